package io.quorumkv.parser;

import io.quorumkv.parser.ast.AddColumn;
import io.quorumkv.parser.ast.AllColumns;
import io.quorumkv.parser.ast.Assignment;
import io.quorumkv.parser.ast.Between;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.BinaryLiteral;
import io.quorumkv.parser.ast.BooleanLiteral;
import io.quorumkv.parser.ast.Case;
import io.quorumkv.parser.ast.Cast;
import io.quorumkv.parser.ast.ColumnDef;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.CountStar;
import io.quorumkv.parser.ast.CreateTable;
import io.quorumkv.parser.ast.DataType;
import io.quorumkv.parser.ast.DecimalLiteral;
import io.quorumkv.parser.ast.Delete;
import io.quorumkv.parser.ast.DerivedTable;
import io.quorumkv.parser.ast.DescribeTable;
import io.quorumkv.parser.ast.DoubleLiteral;
import io.quorumkv.parser.ast.DropTable;
import io.quorumkv.parser.ast.Explain;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.FunctionCall;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.IfCondition;
import io.quorumkv.parser.ast.IfExists;
import io.quorumkv.parser.ast.InList;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.IntegerLiteral;
import io.quorumkv.parser.ast.IsNull;
import io.quorumkv.parser.ast.Join;
import io.quorumkv.parser.ast.Like;
import io.quorumkv.parser.ast.NullLiteral;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.Relation;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.parser.ast.SelectItem;
import io.quorumkv.parser.ast.SetOperation;
import io.quorumkv.parser.ast.ShowTables;
import io.quorumkv.parser.ast.SingleColumn;
import io.quorumkv.parser.ast.SortItem;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.parser.ast.StringLiteral;
import io.quorumkv.parser.ast.TableEngine;
import io.quorumkv.parser.ast.TableRef;
import io.quorumkv.parser.ast.TimestampLiteral;
import io.quorumkv.parser.ast.Unary;
import io.quorumkv.parser.ast.Update;
import io.quorumkv.parser.ast.Values;
import io.quorumkv.parser.ast.VersionRef;
import io.quorumkv.parser.ast.WriteCondition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of well-formed syntax trees: every tree they produce is one the parser could
 * have built (unique column names, consistent VALUES rows, no {@code _VERSION} column, ...), with
 * all positions 1:1 and every parameter numbered 1 (compare after {@link AstTrees#normalize}).
 */
final class AstArbitraries {

  static final SourcePos P = AstTrees.NO_POS;

  private AstArbitraries() {}

  // ---------------------------------------------------------------------------------------------
  // Names and literals

  static Arbitrary<Identifier> identifiers() {
    Arbitrary<String> plain =
        Arbitraries.strings()
            .withCharRange('A', 'Z')
            .withChars('_')
            .ofMinLength(1)
            .ofMaxLength(6)
            .edgeCases(c -> c.add("X"));
    Arbitrary<String> keywords =
        Arbitraries.of(
            "SELECT",
            "KEY",
            "TIMESTAMP",
            "COLUMN",
            "TABLES",
            "EXPLAIN",
            "GROUP",
            "IF",
            "EXISTS",
            "X",
            "COUNT",
            "INT",
            "NULL");
    Arbitrary<String> quoted =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('\n', '\u00e9', '\u4e2d')
            .ofMinLength(1)
            .ofMaxLength(8);
    return Arbitraries.frequencyOf(Tuple.of(6, plain), Tuple.of(2, keywords), Tuple.of(2, quoted))
        .filter(name -> !name.equals(VersionRef.NAME))
        .map(name -> new Identifier(P, name));
  }

  private static Arbitrary<List<Identifier>> uniqueIdentifiers(int min, int max) {
    return identifiers().list().ofMinSize(min).ofMaxSize(max).uniqueElements(Identifier::value);
  }

  static Arbitrary<Expression> literals() {
    Arbitrary<String> text =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('\n', '\t', '\u00e9', '\u4e2d')
            .ofMaxLength(10);
    Arbitrary<Expression> decimals =
        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 12))
            .as(
                (unscaled, scale) ->
                    new DecimalLiteral(P, new BigDecimal(BigInteger.valueOf(unscaled), scale)));
    Arbitrary<Expression> doubles =
        Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -1e-300, 1.5))
            .filter(Double::isFinite)
            .map(d -> new DoubleLiteral(P, d));
    Arbitrary<Expression> timestamps =
        Combinators.combine(
                Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 28),
                Arbitraries.integers().between(0, 86_399),
                Arbitraries.oneOf(
                    Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999)))
            .as(
                (y, mo, d, s, n) ->
                    (Expression)
                        new TimestampLiteral(
                            P, LocalDateTime.of(y, mo, d, s / 3600, s / 60 % 60, s % 60, n)))
            // The edge cases of a five-way combination would crowd out every other literal.
            .withoutEdgeCases();
    return Arbitraries.oneOf(
        Arbitraries.just(new NullLiteral(P)),
        Arbitraries.of(true, false).map(b -> new BooleanLiteral(P, b)),
        Arbitraries.longs().map(l -> new IntegerLiteral(P, l)),
        decimals,
        doubles,
        text.map(s -> new StringLiteral(P, s)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(4).map(b -> new BinaryLiteral(P, b)),
        timestamps);
  }

  static Arbitrary<DataType> dataTypes() {
    Arbitrary<DataType> simple =
        Arbitraries.of(
                DataType.Kind.BOOLEAN,
                DataType.Kind.INTEGER,
                DataType.Kind.BIGINT,
                DataType.Kind.DOUBLE,
                DataType.Kind.TIMESTAMP,
                DataType.Kind.VARCHAR,
                DataType.Kind.VARBINARY,
                DataType.Kind.DECIMAL)
            .map(kind -> new DataType(P, kind, OptionalInt.empty(), OptionalInt.empty()));
    Arbitrary<DataType> lengths =
        Combinators.combine(
                Arbitraries.of(DataType.Kind.VARCHAR, DataType.Kind.VARBINARY),
                Arbitraries.integers().between(1, Integer.MAX_VALUE))
            .as((kind, n) -> new DataType(P, kind, OptionalInt.of(n), OptionalInt.empty()));
    Arbitrary<DataType> decimals =
        Arbitraries.integers()
            .between(1, DataType.MAX_DECIMAL_PRECISION)
            .flatMap(
                p ->
                    Arbitraries.integers()
                        .between(-1, p)
                        .map(
                            s ->
                                new DataType(
                                    P,
                                    DataType.Kind.DECIMAL,
                                    OptionalInt.of(p),
                                    s < 0 ? OptionalInt.empty() : OptionalInt.of(s))));
    return Arbitraries.oneOf(simple, lengths, decimals);
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  static Arbitrary<Expression> expressions(int depth) {
    Arbitrary<Expression> leaf =
        Arbitraries.frequencyOf(
            Tuple.of(4, literals()),
            Tuple.of(4, columns()),
            Tuple.of(1, Arbitraries.just(new Parameter(P, 1))),
            Tuple.of(1, identifiers().optional().map(t -> new VersionRef(P, t))),
            Tuple.of(1, Arbitraries.just(new CountStar(P))));
    if (depth <= 0) {
      return leaf;
    }
    Arbitrary<Expression> sub = Arbitraries.lazy(() -> expressions(depth - 1));
    Arbitrary<Expression> unary =
        Combinators.combine(Arbitraries.of(Unary.Operator.class), sub)
            .as((op, e) -> new Unary(P, op, e));
    Arbitrary<Expression> binary =
        Combinators.combine(Arbitraries.of(Binary.Operator.class), sub, sub)
            .as((op, l, r) -> new Binary(P, op, l, r));
    Arbitrary<Expression> predicates =
        Arbitraries.oneOf(
            Combinators.combine(sub, Arbitraries.of(true, false)).as((e, n) -> new IsNull(P, e, n)),
            Combinators.combine(
                    sub, sub.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(true, false))
                .as((e, values, n) -> new InList(P, e, values, n)),
            Combinators.combine(sub, sub, sub, Arbitraries.of(true, false))
                .as((e, lo, hi, n) -> new Between(P, e, lo, hi, n)),
            Combinators.combine(sub, sub, sub.optional(), Arbitraries.of(true, false))
                .as((e, pattern, escape, n) -> new Like(P, e, pattern, escape, n)));
    Arbitrary<Expression> calls =
        Arbitraries.oneOf(
            Combinators.combine(sub, dataTypes()).as((e, t) -> new Cast(P, e, t)),
            Combinators.combine(
                    sub.optional(),
                    Combinators.combine(sub, sub)
                        .as((c, r) -> new Case.When(P, c, r))
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(3),
                    sub.optional())
                .as((o, whens, e) -> new Case(P, o, whens, e)),
            Combinators.combine(identifiers(), Arbitraries.of(true, false), sub.list().ofMaxSize(3))
                .as(
                    (name, distinct, args) ->
                        new FunctionCall(P, name, distinct && !args.isEmpty(), args)));
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf),
        Tuple.of(1, unary),
        Tuple.of(3, binary),
        Tuple.of(2, predicates),
        Tuple.of(1, calls));
  }

  private static Arbitrary<Expression> columns() {
    return Combinators.combine(identifiers().optional(), identifiers())
        .as((t, c) -> new ColumnRef(P, t, c));
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  static Arbitrary<Query> queries(int depth) {
    Arbitrary<Query> plain = selects(depth);
    Arbitrary<SetOperation> operation =
        Combinators.combine(
                Arbitraries.of(SetOperation.Kind.class), Arbitraries.of(true, false), plain)
            .as((kind, all, q) -> new SetOperation(P, kind, all, q));
    Arbitrary<Query> compound =
        Combinators.combine(plain, operation.list().ofMinSize(1).ofMaxSize(3), plain)
            .as(
                (first, operations, rows) ->
                    first
                        .firstSelect()
                        .with(operations, rows.orderBy(), rows.limit(), rows.offset()));
    return Arbitraries.frequencyOf(Tuple.of(4, plain), Tuple.of(1, compound));
  }

  private static Arbitrary<Query> selects(int depth) {
    Arbitrary<Expression> e = expressions(2);
    Arbitrary<SelectItem> item =
        Arbitraries.oneOf(
            identifiers().optional().map(t -> new AllColumns(P, t)),
            Combinators.combine(e, identifiers().optional())
                .as((x, a) -> new SingleColumn(P, x, a)));
    Arbitrary<Expression> rowCount =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, Long.MAX_VALUE).map(n -> new IntegerLiteral(P, n)),
            Arbitraries.just(new Parameter(P, 1)));
    Arbitrary<SortItem> sort =
        Combinators.combine(e, Arbitraries.of(true, false), Arbitraries.of(true, false).optional())
            .as((x, d, n) -> new SortItem(P, x, d, n));
    return Combinators.combine(
            Arbitraries.of(true, false),
            item.list().ofMinSize(1).ofMaxSize(3),
            relations(depth).optional(),
            e.optional(),
            e.list().ofMaxSize(2),
            e.optional(),
            sort.list().ofMaxSize(2),
            Combinators.combine(rowCount.optional(), rowCount.optional()).as(List::of))
        .as(
            (distinct, items, from, where, groupBy, having, orderBy, limits) ->
                new Query(
                    P,
                    distinct,
                    items,
                    from,
                    where,
                    groupBy,
                    having,
                    orderBy,
                    limits.get(0),
                    limits.get(1)));
  }

  static Arbitrary<Relation> relations(int depth) {
    Arbitrary<Relation> table =
        Combinators.combine(identifiers(), identifiers().optional())
            .as((n, a) -> new TableRef(P, n, a));
    if (depth <= 0) {
      return table;
    }
    Arbitrary<Relation> sub = Arbitraries.lazy(() -> relations(depth - 1));
    Arbitrary<Relation> derived =
        Combinators.combine(Arbitraries.lazy(() -> queries(depth - 1)), identifiers().optional())
            .as((q, a) -> new DerivedTable(P, q, a));
    Arbitrary<Relation> join =
        Combinators.combine(Arbitraries.of(Join.Type.class), sub, sub, expressions(1))
            .as(
                (type, l, r, on) ->
                    new Join(
                        P,
                        type,
                        l,
                        r,
                        type == Join.Type.CROSS ? Optional.empty() : Optional.of(on)));
    return Arbitraries.frequencyOf(Tuple.of(3, table), Tuple.of(1, derived), Tuple.of(2, join));
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  static Arbitrary<Statement> statements() {
    Arbitrary<Statement> plain =
        Arbitraries.oneOf(selects(), inserts(), updates(), deletes(), creates(), otherDdl());
    return Arbitraries.frequencyOf(
        Tuple.of(9, plain), Tuple.of(1, plain.map(s -> (Statement) new Explain(P, s))));
  }

  private static Arbitrary<Statement> selects() {
    return Combinators.combine(queries(2), expressions(2).optional())
        .as((q, c) -> new Select(P, q, c));
  }

  private static Arbitrary<Statement> inserts() {
    Arbitrary<Expression> e = expressions(2);
    return Combinators.combine(
            Arbitraries.of(Insert.Mode.class),
            identifiers(),
            uniqueIdentifiers(0, 3),
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .flatAs(
            (mode, table, columns, width, useQuery, ifNotExists) -> {
              int arity = columns.isEmpty() ? width : columns.size();
              if (useQuery) {
                return queries(1)
                    .map(q -> (Statement) new Insert(P, mode, table, columns, q, false));
              }
              return e.list()
                  .ofSize(arity)
                  .list()
                  .ofMinSize(1)
                  .ofMaxSize(3)
                  .map(
                      rows ->
                          new Insert(
                              P,
                              mode,
                              table,
                              columns,
                              new Values(P, rows),
                              ifNotExists && mode == Insert.Mode.INSERT));
            });
  }

  private static Arbitrary<Optional<WriteCondition>> writeConditions() {
    return Arbitraries.oneOf(
            Arbitraries.just(new IfExists(P)),
            expressions(2).map(c -> (WriteCondition) new IfCondition(P, c)))
        .optional();
  }

  private static Arbitrary<Statement> updates() {
    return Combinators.combine(
            identifiers(),
            uniqueIdentifiers(1, 3),
            expressions(2).list().ofSize(3),
            expressions(2).optional(),
            writeConditions())
        .as(
            (table, columns, values, where, condition) -> {
              List<Assignment> assignments = new ArrayList<>();
              for (int i = 0; i < columns.size(); i++) {
                assignments.add(new Assignment(P, columns.get(i), values.get(i)));
              }
              return new Update(P, table, assignments, where, condition);
            });
  }

  private static Arbitrary<Statement> deletes() {
    return Combinators.combine(identifiers(), expressions(2).optional(), writeConditions())
        .as((table, where, condition) -> new Delete(P, table, where, condition));
  }

  private static Arbitrary<Statement> creates() {
    return Combinators.combine(
            identifiers(),
            Arbitraries.of(true, false),
            uniqueIdentifiers(1, 4),
            dataTypes().list().ofSize(4),
            Arbitraries.of(true, false).list().ofSize(4),
            Arbitraries.integers().between(0, 4),
            Arbitraries.of(TableEngine.class).optional())
        .as(
            (table, ifNotExists, names, types, notNulls, keySize, engine) -> {
              List<ColumnDef> columns = new ArrayList<>();
              for (int i = 0; i < names.size(); i++) {
                columns.add(new ColumnDef(P, names.get(i), types.get(i), notNulls.get(i)));
              }
              List<Identifier> key =
                  new ArrayList<>(names.subList(0, Math.min(keySize, names.size())));
              Collections.reverse(key);
              return new CreateTable(P, table, ifNotExists, columns, key, engine);
            });
  }

  private static Arbitrary<Statement> otherDdl() {
    return Arbitraries.oneOf(
        Combinators.combine(identifiers(), Arbitraries.of(true, false))
            .as((t, e) -> new DropTable(P, t, e)),
        Combinators.combine(identifiers(), identifiers(), dataTypes(), Arbitraries.of(true, false))
            .as((t, c, type, nn) -> new AddColumn(P, t, new ColumnDef(P, c, type, nn))),
        Arbitraries.just(new ShowTables(P)),
        identifiers().map(t -> new DescribeTable(P, t)));
  }
}
