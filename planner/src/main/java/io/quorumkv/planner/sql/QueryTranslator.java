package io.quorumkv.planner.sql;

import io.quorumkv.parser.ast.AllColumns;
import io.quorumkv.parser.ast.AstPrinter;
import io.quorumkv.parser.ast.Between;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.BinaryLiteral;
import io.quorumkv.parser.ast.BooleanLiteral;
import io.quorumkv.parser.ast.Case;
import io.quorumkv.parser.ast.Cast;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.CountStar;
import io.quorumkv.parser.ast.DataType;
import io.quorumkv.parser.ast.DecimalLiteral;
import io.quorumkv.parser.ast.DerivedTable;
import io.quorumkv.parser.ast.DoubleLiteral;
import io.quorumkv.parser.ast.Exists;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.FunctionCall;
import io.quorumkv.parser.ast.InList;
import io.quorumkv.parser.ast.InSubquery;
import io.quorumkv.parser.ast.IntegerLiteral;
import io.quorumkv.parser.ast.IsNull;
import io.quorumkv.parser.ast.Join;
import io.quorumkv.parser.ast.Like;
import io.quorumkv.parser.ast.NullLiteral;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.Relation;
import io.quorumkv.parser.ast.ScalarSubquery;
import io.quorumkv.parser.ast.SelectItem;
import io.quorumkv.parser.ast.SetOperation;
import io.quorumkv.parser.ast.SingleColumn;
import io.quorumkv.parser.ast.SortItem;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.StringLiteral;
import io.quorumkv.parser.ast.TableRef;
import io.quorumkv.parser.ast.TimestampLiteral;
import io.quorumkv.parser.ast.Unary;
import io.quorumkv.parser.ast.VersionRef;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.rel.QkvTableScan;
import io.quorumkv.planner.schema.CatalogReader;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.TimestampString;

/**
 * Translates a query's syntax tree into a Calcite {@link RelNode} with a {@link RelBuilder}: name
 * resolution (tables from the {@link CatalogReader}, columns by name and qualifier, {@code
 * _VERSION} and the hidden row id visible by name only), type checking with clear errors at the
 * statement's positions, parameter type inference, and the standard shape of a query (FROM, WHERE,
 * GROUP BY and aggregates, HAVING, SELECT, DISTINCT, ORDER BY, LIMIT/OFFSET). Optimization is
 * Calcite's. One translator per statement; not thread-safe.
 */
public final class QueryTranslator {

  /** One field of the current row: its qualifier (table or alias), name and type. */
  private record Field(String qualifier, String name, RelDataType type, boolean hidden) {}

  /**
   * The translated query.
   *
   * @param rel its relational expression
   * @param names the result's column labels (may repeat, unlike the row type's field names)
   */
  public record Translated(RelNode rel, List<String> names) {}

  /** The scopes of the queries enclosing the subquery being translated, innermost first. */
  private final Deque<Outer> outerScopes = new ArrayDeque<>();

  private boolean subqueries;

  private final CatalogReader catalog;
  private final RelBuilder builder;
  private final RexBuilder rex;
  private final RelDataTypeFactory types;
  private final ParameterTypes params;
  private final List<TableDef> tables = new ArrayList<>();

  /** A translator building on {@code builder}, inferring parameter types into {@code params}. */
  public QueryTranslator(CatalogReader catalog, RelBuilder builder, ParameterTypes params) {
    this.catalog = catalog;
    this.builder = builder;
    this.rex = builder.getRexBuilder();
    this.types = builder.getTypeFactory();
    this.params = params;
  }

  /** The tables the translated queries read. */
  public List<TableDef> tables() {
    return tables;
  }

  /** Translates a query, optionally with an extra condition ANDed to its WHERE clause. */
  public Translated translate(Query q) {
    if (q.isCompound()) {
      return compound(q);
    }
    List<Field> scope = q.from().isPresent() ? relation(q.from().get()) : noFrom();
    if (q.where().isPresent()) {
      Expression w = q.where().get();
      noAggregates(w, "WHERE");
      Correlation c = correlation();
      RexNode condition = condition(w, new Ctx(scope, null, null, c));
      builder.filter(c.variablesSet(), List.of(condition));
    }

    List<Expression> aggregates = new ArrayList<>();
    for (SelectItem item : q.items()) {
      if (item instanceof SingleColumn c) {
        collectAggregates(c.expression(), aggregates, false);
      }
    }
    q.having().ifPresent(h -> collectAggregates(h, aggregates, false));
    for (SortItem s : q.orderBy()) {
      collectAggregates(s.expression(), aggregates, false);
    }
    boolean grouped = !q.groupBy().isEmpty() || !aggregates.isEmpty() || q.having().isPresent();

    // A subquery in the select list may read the row of an ungrouped query.
    Ctx ctx = grouped ? null : new Ctx(scope, null, null, correlation());
    if (grouped) {
      ctx = aggregate(q, scope, aggregates);
    }
    Ctx post = ctx;
    q.having().ifPresent(h -> builder.filter(List.of(condition(h, post))));

    // SELECT list.
    List<RexNode> exprs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> printed = new ArrayList<>();
    for (SelectItem item : q.items()) {
      if (item instanceof AllColumns all) {
        if (grouped) {
          throw QueryException.at(
              all.pos(),
              QueryException.GROUPING_ERROR,
              "* cannot be used with GROUP BY or aggregates; name the columns");
        }
        String qualifier = all.table().map(t -> t.value()).orElse(null);
        boolean any = false;
        for (int i = 0; i < scope.size(); i++) {
          Field f = scope.get(i);
          if (!f.hidden() && (qualifier == null || qualifier.equals(f.qualifier()))) {
            exprs.add(rex.makeInputRef(f.type(), i));
            names.add(f.name());
            printed.add(null);
            any = true;
          }
        }
        if (!any && qualifier != null) {
          throw QueryException.at(
              all.pos(), QueryException.UNDEFINED_TABLE, "no table " + qualifier + " in FROM");
        }
      } else {
        SingleColumn c = (SingleColumn) item;
        exprs.add(expr(c.expression(), null, ctx));
        names.add(
            c.alias().map(a -> a.value()).orElseGet(() -> label(c.expression(), names.size())));
        printed.add(AstPrinter.print(c.expression()));
      }
    }

    // ORDER BY: a select item by position, alias or equal expression, else an extra column.
    int visible = exprs.size();
    List<RexNode> sortKeys = new ArrayList<>();
    for (SortItem s : q.orderBy()) {
      int target = orderTarget(s.expression(), q, names, printed);
      if (target < 0) {
        if (q.distinct()) {
          throw QueryException.at(
              s.pos(),
              QueryException.INVALID_STATEMENT,
              "with SELECT DISTINCT, ORDER BY expressions must appear in the select list");
        }
        exprs.add(expr(s.expression(), null, ctx));
        names.add("$ORDER" + exprs.size());
        target = exprs.size() - 1;
      }
      sortKeys.add(sortKey(target, s, exprs));
    }
    builder.project(
        exprs,
        uniqueNames(names),
        true,
        ctx.correlation() == null ? List.of() : ctx.correlation().variablesSet());
    if (q.distinct()) {
      builder.distinct();
    }
    RexNode offset = q.offset().map(this::rowCount).orElse(null);
    RexNode fetch = q.limit().map(this::rowCount).orElse(null);
    if (!sortKeys.isEmpty() || offset != null || fetch != null) {
      List<RexNode> keys = new ArrayList<>();
      for (int i = 0; i < sortKeys.size(); i++) {
        SortItem s = q.orderBy().get(i);
        RexNode ref =
            builder.field(((org.apache.calcite.rex.RexInputRef) sortKeys.get(i)).getIndex());
        RexNode key = s.descending() ? builder.desc(ref) : ref;
        // Without NULLS FIRST/LAST, Calcite's default is PostgreSQL's: NULL sorts as the largest.
        if (s.nullsFirst().isPresent()) {
          key = s.nullsFirst().get() ? builder.nullsFirst(key) : builder.nullsLast(key);
        }
        keys.add(key);
      }
      builder.sortLimit(offset, fetch, keys);
    }
    if (exprs.size() > visible) {
      List<RexNode> keep = new ArrayList<>();
      for (int i = 0; i < visible; i++) {
        keep.add(builder.field(i));
      }
      builder.project(keep, uniqueNames(names.subList(0, visible)), true);
    }
    return new Translated(builder.build(), List.copyOf(names.subList(0, visible)));
  }

  /**
   * A compound query: its SELECTs, each cast to the columns' common types, combined left to right
   * by Calcite's union, intersect and minus; then ORDER BY (result columns by name or position),
   * LIMIT and OFFSET over the whole. The columns are named after the first SELECT's.
   */
  private Translated compound(Query q) {
    List<Translated> inputs = new ArrayList<>();
    inputs.add(translate(q.firstSelect()));
    List<String> names = inputs.get(0).names();
    int width = names.size();
    for (SetOperation op : q.setOperations()) {
      Translated t = translate(op.query());
      if (t.names().size() != width) {
        throw QueryException.at(
            op.pos(),
            QueryException.SYNTAX_ERROR,
            "each side of "
                + op.kind()
                + " must have the same number of columns: "
                + width
                + " and "
                + t.names().size());
      }
      inputs.add(t);
    }
    List<RelDataType> common = new ArrayList<>();
    for (int c = 0; c < width; c++) {
      List<RelDataType> column = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        RelDataType t = inputs.get(i).rel().getRowType().getFieldList().get(c).getType();
        if (i > 0 && !comparable(column.get(0), t)) {
          throw mismatch(
              q.setOperations().get(i - 1).pos(),
              q.setOperations().get(i - 1).kind()
                  + " column "
                  + (c + 1)
                  + " mixes "
                  + column.get(0)
                  + " and "
                  + t);
        }
        column.add(t);
      }
      RelDataType least = varying(types.leastRestrictive(column));
      if (least == null) {
        throw mismatch(q.pos(), "column " + (c + 1) + " of the compound query has no common type");
      }
      common.add(least);
    }
    push(inputs.get(0), common, names);
    for (int i = 1; i < inputs.size(); i++) {
      push(inputs.get(i), common, names);
      SetOperation op = q.setOperations().get(i - 1);
      switch (op.kind()) {
        case UNION -> builder.union(op.all(), 2);
        case INTERSECT -> builder.intersect(op.all(), 2);
        case EXCEPT -> builder.minus(op.all(), 2);
      }
    }
    List<RexNode> keys = new ArrayList<>();
    for (SortItem s : q.orderBy()) {
      RexNode key = builder.field(compoundOrderTarget(s, names));
      key = s.descending() ? builder.desc(key) : key;
      if (s.nullsFirst().isPresent()) {
        key = s.nullsFirst().get() ? builder.nullsFirst(key) : builder.nullsLast(key);
      }
      keys.add(key);
    }
    RexNode offset = q.offset().map(this::rowCount).orElse(null);
    RexNode fetch = q.limit().map(this::rowCount).orElse(null);
    if (!keys.isEmpty() || offset != null || fetch != null) {
      builder.sortLimit(offset, fetch, keys);
    }
    return new Translated(builder.build(), names);
  }

  /** Pushes a translated SELECT with its columns cast to {@code types}. */
  private void push(Translated t, List<RelDataType> columnTypes, List<String> names) {
    builder.push(t.rel());
    List<RexNode> cast = new ArrayList<>();
    for (int c = 0; c < columnTypes.size(); c++) {
      RexNode f = builder.field(c);
      cast.add(
          SqlTypeUtil.equalSansNullability(types, f.getType(), columnTypes.get(c))
              ? f
              : rex.makeCast(
                  types.createTypeWithNullability(columnTypes.get(c), f.getType().isNullable()),
                  f));
    }
    builder.project(cast, uniqueNames(names), true);
  }

  /** The index of the field {@code [qualifier.]name} in {@code scope}, or -1. */
  private static int fieldIndex(List<Field> scope, String qualifier, String name, SourcePos pos) {
    int found = -1;
    for (int i = 0; i < scope.size(); i++) {
      Field f = scope.get(i);
      if (f.name().equals(name) && (qualifier == null || qualifier.equals(f.qualifier()))) {
        if (found >= 0) {
          throw QueryException.at(
              pos,
              QueryException.INVALID_STATEMENT,
              "column " + name + " is ambiguous; qualify it with its table");
        }
        found = i;
      }
    }
    return found;
  }

  /** The result column an ORDER BY item of a compound query names, by position or name. */
  private static int compoundOrderTarget(SortItem s, List<String> names) {
    Expression e = s.expression();
    if (e instanceof IntegerLiteral i && i.value() >= 1 && i.value() <= names.size()) {
      return (int) i.value() - 1;
    }
    if (e instanceof ColumnRef c && c.table().isEmpty()) {
      int index = names.indexOf(c.column().value());
      if (index >= 0 && index == names.lastIndexOf(c.column().value())) {
        return index;
      }
    }
    throw QueryException.at(
        e.pos(),
        QueryException.FEATURE_NOT_SUPPORTED,
        "ORDER BY of UNION, INTERSECT or EXCEPT takes a result column's name or position");
  }

  private RexNode sortKey(int target, SortItem unused, List<RexNode> exprs) {
    return rex.makeInputRef(exprs.get(target).getType(), target);
  }

  private int orderTarget(Expression e, Query q, List<String> names, List<String> printed) {
    if (e instanceof IntegerLiteral i) {
      if (i.value() < 1
          || i.value() > q.items().size()
          || q.items().stream().anyMatch(it -> it instanceof AllColumns)) {
        if (i.value() >= 1 && i.value() <= names.size()) {
          return (int) i.value() - 1;
        }
        throw QueryException.at(
            e.pos(),
            QueryException.INVALID_STATEMENT,
            "ORDER BY position " + i.value() + " is not in the select list");
      }
      return (int) i.value() - 1;
    }
    if (e instanceof ColumnRef c && c.table().isEmpty()) {
      for (int i = 0; i < q.items().size() && i < names.size(); i++) {
        if (q.items().get(i) instanceof SingleColumn sc
            && sc.alias().isPresent()
            && sc.alias().get().value().equals(c.column().value())) {
          return i;
        }
      }
    }
    String text = AstPrinter.print(e);
    return printed.indexOf(text);
  }

  private RexNode rowCount(Expression e) {
    if (e instanceof Parameter p) {
      params.seen(p.index(), p.pos());
      // Calcite's generated code reads LIMIT and OFFSET parameters as Integer.
      params.infer(p.index(), ColumnType.INTEGER);
      return rex.makeDynamicParam(types.createSqlType(SqlTypeName.INTEGER), p.index() - 1);
    }
    return rex.makeExactLiteral(BigDecimal.valueOf(((IntegerLiteral) e).value()));
  }

  private static List<String> uniqueNames(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String candidate = n;
      int i = 1;
      while (out.contains(candidate)) {
        candidate = n + "$" + i++;
      }
      out.add(candidate);
    }
    return out;
  }

  private static String label(Expression e, int index) {
    if (e instanceof ColumnRef c) {
      return c.column().value();
    }
    if (e instanceof VersionRef) {
      return TableDef.VERSION;
    }
    return "EXPR$" + index;
  }

  // ---------------------------------------------------------------------------------------------
  // FROM

  private List<Field> noFrom() {
    builder.values(new String[] {"ZERO"}, 0);
    return List.of(
        new Field(null, "ZERO", builder.peek().getRowType().getFieldList().get(0).getType(), true));
  }

  private List<Field> relation(Relation r) {
    if (r instanceof TableRef t) {
      return table(t);
    } else if (r instanceof DerivedTable d) {
      Translated inner = translate(d.query());
      builder.push(inner.rel());
      String qualifier = d.alias().map(a -> a.value()).orElse(null);
      List<Field> fields = new ArrayList<>();
      List<RelDataType> fieldTypes =
          inner.rel().getRowType().getFieldList().stream().map(f -> f.getType()).toList();
      for (int i = 0; i < inner.names().size(); i++) {
        fields.add(new Field(qualifier, inner.names().get(i), fieldTypes.get(i), false));
      }
      return fields;
    }
    Join j = (Join) r;
    List<Field> left = relation(j.left());
    List<Field> right = relation(j.right());
    List<Field> all = new ArrayList<>(left);
    all.addAll(right);
    if (j.type() == Join.Type.CROSS) {
      builder.join(JoinRelType.INNER, rex.makeLiteral(true));
      return all;
    }
    Expression on = j.on().orElseThrow();
    noAggregates(on, "ON");
    RexNode condition = condition(on, new Ctx(all, null, null));
    JoinRelType type =
        switch (j.type()) {
          case INNER -> JoinRelType.INNER;
          case LEFT -> JoinRelType.LEFT;
          case RIGHT -> JoinRelType.RIGHT;
          default -> JoinRelType.FULL;
        };
    builder.join(type, condition);
    // Outer joins make the other side's columns nullable.
    List<RelDataType> joined =
        builder.peek().getRowType().getFieldList().stream().map(f -> f.getType()).toList();
    List<Field> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Field f = all.get(i);
      out.add(new Field(f.qualifier(), f.name(), joined.get(i), f.hidden()));
    }
    return out;
  }

  private List<Field> table(TableRef t) {
    String name = t.name().value();
    TableDef def =
        catalog
            .table(name)
            .orElseThrow(
                () ->
                    QueryException.at(
                        t.name().pos(),
                        QueryException.UNDEFINED_TABLE,
                        "table " + name + " does not exist"));
    tables.add(def);
    String qualifier = t.alias().map(a -> a.value()).orElse(name);
    List<Field> fields = new ArrayList<>();
    RelDataTypeFactory.Builder row = types.builder();
    for (ColumnDef c : def.columns()) {
      RelDataType type = SqlTypes.relType(types, c.type(), c.nullable());
      row.add(c.name(), type);
      fields.add(new Field(qualifier, c.name(), type, c.hidden()));
    }
    RelDataType version = types.createSqlType(SqlTypeName.BIGINT);
    row.add(TableDef.VERSION, version);
    fields.add(new Field(qualifier, TableDef.VERSION, version, true));
    builder.push(QkvTableScan.create(builder.getCluster(), def, row.build()));
    return fields;
  }

  // ---------------------------------------------------------------------------------------------
  // Aggregation

  private static boolean isAggregate(Expression e) {
    if (e instanceof CountStar) {
      return true;
    }
    if (e instanceof FunctionCall f) {
      String n = f.name().value().toUpperCase(Locale.ROOT);
      return n.equals("COUNT")
          || n.equals("SUM")
          || n.equals("AVG")
          || n.equals("MIN")
          || n.equals("MAX");
    }
    return false;
  }

  private void noAggregates(Expression e, String clause) {
    List<Expression> found = new ArrayList<>();
    collectAggregates(e, found, false);
    if (!found.isEmpty()) {
      throw QueryException.at(
          found.get(0).pos(),
          QueryException.GROUPING_ERROR,
          "aggregate functions are not allowed in " + clause);
    }
  }

  private void collectAggregates(Expression e, List<Expression> out, boolean inside) {
    if (isAggregate(e)) {
      if (inside) {
        throw QueryException.at(
            e.pos(), QueryException.GROUPING_ERROR, "aggregate functions cannot be nested");
      }
      String key = AstPrinter.print(e);
      if (out.stream().noneMatch(x -> AstPrinter.print(x).equals(key))) {
        out.add(e);
      }
      if (e instanceof FunctionCall f) {
        for (Expression a : f.arguments()) {
          collectAggregates(a, new ArrayList<>(), true);
        }
      }
      return;
    }
    for (Expression c : children(e)) {
      collectAggregates(c, out, inside);
    }
  }

  private static List<Expression> children(Expression e) {
    if (e instanceof Unary u) {
      return List.of(u.operand());
    } else if (e instanceof Binary b) {
      return List.of(b.left(), b.right());
    } else if (e instanceof IsNull n) {
      return List.of(n.operand());
    } else if (e instanceof InList in) {
      List<Expression> out = new ArrayList<>(in.values());
      out.add(0, in.operand());
      return out;
    } else if (e instanceof Between b) {
      return List.of(b.operand(), b.low(), b.high());
    } else if (e instanceof Like l) {
      List<Expression> out = new ArrayList<>(List.of(l.operand(), l.pattern()));
      l.escape().ifPresent(out::add);
      return out;
    } else if (e instanceof Cast c) {
      return List.of(c.operand());
    } else if (e instanceof FunctionCall f) {
      return f.arguments();
    } else if (e instanceof Case c) {
      List<Expression> out = new ArrayList<>();
      c.operand().ifPresent(out::add);
      for (Case.When w : c.whens()) {
        out.add(w.condition());
        out.add(w.result());
      }
      c.otherwise().ifPresent(out::add);
      return out;
    }
    return List.of();
  }

  private Ctx aggregate(Query q, List<Field> scope, List<Expression> aggregates) {
    Ctx plain = new Ctx(scope, null, null);
    Map<String, Integer> keys = new LinkedHashMap<>();
    List<RexNode> groupKeys = new ArrayList<>();
    for (Expression g : q.groupBy()) {
      noAggregates(g, "GROUP BY");
      String key = AstPrinter.print(g);
      if (!keys.containsKey(key)) {
        keys.put(key, groupKeys.size());
        groupKeys.add(expr(g, null, plain));
      }
    }
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    for (Expression a : aggregates) {
      keys.put(AstPrinter.print(a), groupKeys.size() + calls.size());
      calls.add(aggCall(a, plain));
    }
    builder.aggregate(builder.groupKey(groupKeys), calls);
    RelDataType row = builder.peek().getRowType();
    return new Ctx(scope, keys, row);
  }

  private RelBuilder.AggCall aggCall(Expression a, Ctx plain) {
    if (a instanceof CountStar) {
      return builder.countStar(null);
    }
    FunctionCall f = (FunctionCall) a;
    String name = f.name().value().toUpperCase(Locale.ROOT);
    if (f.arguments().size() != 1) {
      throw QueryException.at(
          f.pos(), QueryException.UNDEFINED_FUNCTION, name + " takes exactly one argument");
    }
    RexNode arg = expr(f.arguments().get(0), null, plain);
    boolean numeric = SqlTypeUtil.isNumeric(arg.getType());
    if ((name.equals("SUM") || name.equals("AVG")) && !numeric) {
      throw QueryException.at(
          f.pos(),
          QueryException.DATATYPE_MISMATCH,
          name + " needs a number, not " + arg.getType());
    }
    return switch (name) {
      case "COUNT" -> builder.count(f.distinct(), null, arg);
      case "SUM" -> builder.sum(f.distinct(), null, arg);
      case "AVG" -> builder.avg(f.distinct(), null, arg);
      case "MIN" -> builder.min(null, arg);
      default -> builder.max(null, arg);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  /**
   * Where expressions are translated: the fields of the current row, and after GROUP BY the printed
   * forms of group keys and aggregates mapped to the aggregate's output fields.
   */
  /**
   * What names resolve to while translating one expression: the input's fields, the group keys and
   * aggregates once grouped, and the correlation variable through which a subquery in the
   * expression may read the input's current row (null where that is not supported).
   */
  private record Ctx(
      List<Field> scope,
      Map<String, Integer> aggregated,
      RelDataType aggRow,
      Correlation correlation) {

    Ctx(List<Field> scope, Map<String, Integer> aggregated, RelDataType aggRow) {
      this(scope, aggregated, aggRow, null);
    }
  }

  /** The variable of the row a correlated subquery reads; {@code used} once one does. */
  private static final class Correlation {
    final RexCorrelVariable variable;
    boolean used;

    Correlation(RexCorrelVariable variable) {
      this.variable = variable;
    }

    /** The variables set of the operator whose expressions use it: the variable if used. */
    List<CorrelationId> variablesSet() {
      return used ? List.of(variable.id) : List.of();
    }
  }

  /** A correlation variable for the row of the relation on top of the builder's stack. */
  private Correlation correlation() {
    RexCorrelVariable[] v = new RexCorrelVariable[1];
    builder.variable(c -> v[0] = c);
    return new Correlation(v[0]);
  }

  /** An enclosing query's scope for a subquery: its fields, and its correlation (or null). */
  private record Outer(List<Field> scope, Correlation correlation) {}

  RexNode condition(Expression e, Ctx ctx) {
    RexNode c = expr(e, types.createSqlType(SqlTypeName.BOOLEAN), ctx);
    requireBoolean(c, e.pos(), "a condition");
    return c;
  }

  private void requireBoolean(RexNode n, SourcePos pos, String what) {
    SqlTypeName t = n.getType().getSqlTypeName();
    if (t != SqlTypeName.BOOLEAN && t != SqlTypeName.NULL) {
      throw mismatch(pos, what + " must be BOOLEAN, not " + n.getType());
    }
  }

  private RexNode expr(Expression e, RelDataType hint, Ctx ctx) {
    if (ctx.aggregated() != null) {
      Integer i = ctx.aggregated().get(AstPrinter.print(e));
      if (i != null) {
        return rex.makeInputRef(ctx.aggRow().getFieldList().get(i).getType(), i);
      }
      if (e instanceof ColumnRef || e instanceof VersionRef) {
        throw QueryException.at(
            e.pos(),
            QueryException.GROUPING_ERROR,
            AstPrinter.print(e) + " must appear in GROUP BY or be used in an aggregate function");
      }
    }
    if (e instanceof NullLiteral) {
      return rex.makeNullLiteral(hint != null ? hint : types.createSqlType(SqlTypeName.NULL));
    } else if (e instanceof BooleanLiteral b) {
      return rex.makeLiteral(b.value());
    } else if (e instanceof IntegerLiteral i) {
      return exactLiteral(BigDecimal.valueOf(i.value()), hint);
    } else if (e instanceof DecimalLiteral d) {
      return exactLiteral(d.value(), hint);
    } else if (e instanceof DoubleLiteral d) {
      return rex.makeApproxLiteral(BigDecimal.valueOf(d.value()));
    } else if (e instanceof StringLiteral s) {
      return stringLiteral(s, hint);
    } else if (e instanceof BinaryLiteral b) {
      return rex.makeBinaryLiteral(new ByteString(b.value()));
    } else if (e instanceof TimestampLiteral t) {
      return timestamp(t.value().toInstant(ZoneOffset.UTC).toEpochMilli());
    } else if (e instanceof Parameter p) {
      return parameter(p, hint);
    } else if (e instanceof ColumnRef c) {
      return column(c.table().map(t -> t.value()).orElse(null), c.column().value(), c.pos(), ctx);
    } else if (e instanceof VersionRef v) {
      return column(v.table().map(t -> t.value()).orElse(null), TableDef.VERSION, v.pos(), ctx);
    } else if (e instanceof Unary u) {
      if (u.operator() == Unary.Operator.NOT) {
        RexNode a = expr(u.operand(), bool(), ctx);
        requireBoolean(a, u.operand().pos(), "NOT's operand");
        return rex.makeCall(SqlStdOperatorTable.NOT, a);
      }
      RexNode a = expr(u.operand(), hint, ctx);
      requireNumeric(a, u.pos(), "-");
      return rex.makeCall(SqlStdOperatorTable.UNARY_MINUS, a);
    } else if (e instanceof Binary b) {
      return binary(b, hint, ctx);
    } else if (e instanceof IsNull n) {
      RexNode a = expr(n.operand(), null, ctx);
      return rex.makeCall(
          n.negated() ? SqlStdOperatorTable.IS_NOT_NULL : SqlStdOperatorTable.IS_NULL, a);
    } else if (e instanceof InList in) {
      RexNode a = expr(in.operand(), null, ctx);
      List<RexNode> ors = new ArrayList<>();
      for (Expression v : in.values()) {
        RexNode value = expr(v, a.getType(), ctx);
        ors.add(compare(SqlStdOperatorTable.EQUALS, a, value, v.pos()));
      }
      RexNode or = ors.size() == 1 ? ors.get(0) : flat(rex.makeCall(SqlStdOperatorTable.OR, ors));
      return in.negated() ? rex.makeCall(SqlStdOperatorTable.NOT, or) : or;
    } else if (e instanceof Between b) {
      RexNode a = expr(b.operand(), null, ctx);
      RexNode lo = expr(b.low(), a.getType(), ctx);
      RexNode hi = expr(b.high(), a.getType(), ctx);
      RexNode both =
          rex.makeCall(
              SqlStdOperatorTable.AND,
              compare(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, a, lo, b.pos()),
              compare(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, a, hi, b.pos()));
      return b.negated() ? rex.makeCall(SqlStdOperatorTable.NOT, both) : both;
    } else if (e instanceof Like l) {
      RexNode a = expr(l.operand(), varchar(), ctx);
      RexNode p = expr(l.pattern(), varchar(), ctx);
      requireChar(a, l.operand().pos(), "LIKE");
      requireChar(p, l.pattern().pos(), "LIKE");
      RexNode like;
      if (l.escape().isPresent()) {
        RexNode esc = expr(l.escape().get(), varchar(), ctx);
        requireChar(esc, l.escape().get().pos(), "ESCAPE");
        like = rex.makeCall(SqlStdOperatorTable.LIKE, a, p, esc);
      } else {
        like = rex.makeCall(SqlStdOperatorTable.LIKE, a, p);
      }
      return l.negated() ? rex.makeCall(SqlStdOperatorTable.NOT, like) : like;
    } else if (e instanceof Cast c) {
      ColumnType targetType = columnType(c.type());
      RelDataType target = SqlTypes.relType(types, targetType, true);
      RexNode a = expr(c.operand(), target, ctx);
      if (targetType.kind() == ColumnType.Kind.VARCHAR && targetType.precision() >= 0) {
        // Calcite's cast truncates to n UTF-16 units, which can split a character in two.
        return rex.makeCall(
            QkvOperators.TRUNCATE,
            toVarchar(a),
            rex.makeExactLiteral(BigDecimal.valueOf(targetType.precision())));
      }
      return rex.makeCast(types.createTypeWithNullability(target, a.getType().isNullable()), a);
    } else if (e instanceof FunctionCall f) {
      return function(f, hint, ctx);
    } else if (e instanceof Case c) {
      return caseExpression(c, hint, ctx);
    } else if (e instanceof InSubquery in) {
      RexNode a = expr(in.operand(), null, ctx);
      RelNode sub = subquery(in.query(), in.pos(), ctx, "IN");
      RelDataType column = sub.getRowType().getFieldList().get(0).getType();
      if (!comparable(a.getType(), column)) {
        throw mismatch(in.pos(), "cannot compare " + a.getType() + " with " + column);
      }
      // Both sides in their common type, as a comparison would have them.
      RelDataType common = varying(types.leastRestrictive(List.of(a.getType(), column)));
      if (common != null && !SqlTypeUtil.equalSansNullability(types, column, common)) {
        builder.push(sub);
        sub =
            builder
                .project(
                    List.of(
                        rex.makeCast(
                            types.createTypeWithNullability(common, column.isNullable()),
                            builder.field(0))),
                    List.of("$IN"),
                    true)
                .build();
      }
      RexNode tested = common == null ? a : castTo(a, common);
      RexNode member = builder.in(sub, List.of(tested));
      return in.negated() ? rex.makeCall(SqlStdOperatorTable.NOT, member) : member;
    } else if (e instanceof Exists x) {
      return RexSubQuery.exists(subquery(x.query(), x.pos(), ctx, null));
    } else if (e instanceof ScalarSubquery sub) {
      return RexSubQuery.scalar(subquery(sub.query(), sub.pos(), ctx, "a scalar subquery"));
    }
    throw QueryException.at(
        e.pos(), QueryException.GROUPING_ERROR, "aggregate functions are not allowed here");
  }

  /** Calcite requires nested ANDs and ORs to be flattened into one call. */
  private RexNode flat(RexNode n) {
    return RexUtil.flatten(rex, n);
  }

  private RelDataType bool() {
    return types.createSqlType(SqlTypeName.BOOLEAN);
  }

  private RelDataType varchar() {
    return types.createSqlType(SqlTypeName.VARCHAR);
  }

  private RexNode exactLiteral(BigDecimal v, RelDataType hint) {
    // Give the literal the type of what it meets when it fits exactly, so "id = 1" compares an
    // INTEGER key with an INTEGER (no CAST hides the key from the access-path rule).
    if (hint != null && SqlTypeUtil.isExactNumeric(hint)) {
      try {
        ColumnType t = SqlTypes.columnType(hint);
        Object c = t.coerce(v);
        if (c instanceof Number n && new BigDecimal(n.toString()).compareTo(v) == 0) {
          return rex.makeExactLiteral(v, types.createTypeWithNullability(hint, false));
        }
      } catch (RuntimeException notExact) {
        // Falls through to the literal's own type.
      }
    }
    if (hint != null && SqlTypeUtil.isApproximateNumeric(hint)) {
      return rex.makeApproxLiteral(v);
    }
    return rex.makeExactLiteral(v);
  }

  private RexNode stringLiteral(StringLiteral s, RelDataType hint) {
    if (hint != null && hint.getSqlTypeName() == SqlTypeName.TIMESTAMP) {
      try {
        return timestamp(java.sql.Timestamp.valueOf(s.value().trim()).getTime());
      } catch (IllegalArgumentException e) {
        throw QueryException.at(
            s.pos(),
            QueryException.INVALID_VALUE,
            "'" + s.value() + "' is not a TIMESTAMP; use 'yyyy-mm-dd hh:mm:ss[.fff]'");
      }
    }
    int length = Math.max(1, s.value().codePointCount(0, s.value().length()));
    return rex.makeLiteral(s.value(), types.createSqlType(SqlTypeName.VARCHAR, length), false);
  }

  private RexNode timestamp(long millis) {
    return rex.makeTimestampLiteral(TimestampString.fromMillisSinceEpoch(millis), 3);
  }

  private RexNode parameter(Parameter p, RelDataType hint) {
    params.seen(p.index(), p.pos());
    ColumnType known = params.type(p.index());
    if (known == null) {
      if (hint == null || hint.getSqlTypeName() == SqlTypeName.NULL) {
        throw QueryException.at(
            p.pos(),
            QueryException.INDETERMINATE_DATATYPE,
            "cannot infer the type of parameter ?" + p.index() + "; write CAST(? AS type)");
      }
      known = SqlTypes.columnType(hint);
      params.infer(p.index(), known);
    }
    // Without a length: Calcite truncates a parameter to its type's length in UTF-16 units (so
    // half an emoji); binding has checked the value against the column type already.
    ColumnType unbounded =
        switch (known.kind()) {
          case VARCHAR -> ColumnType.varchar(-1);
          case VARBINARY -> ColumnType.varbinary(-1);
          default -> known;
        };
    return rex.makeDynamicParam(SqlTypes.relType(types, unbounded, true), p.index() - 1);
  }

  /**
   * A subquery's plan. Names it cannot resolve itself resolve in the enclosing queries, innermost
   * first, as fields of their correlation variable (a correlated subquery; the planner turns it
   * into a join). With a {@code oneColumn} description, the subquery must have exactly one column.
   */
  private RelNode subquery(Query q, SourcePos pos, Ctx ctx, String oneColumn) {
    outerScopes.push(new Outer(ctx.scope(), ctx.correlation()));
    Translated t;
    try {
      t = translate(q);
    } finally {
      outerScopes.pop();
    }
    if (oneColumn != null && t.names().size() != 1) {
      throw QueryException.at(
          pos,
          QueryException.SYNTAX_ERROR,
          "the subquery of " + oneColumn + " must have one column, not " + t.names().size());
    }
    subqueries = true;
    return t.rel();
  }

  /** Whether the translated queries use subqueries in expressions (which need rewriting). */
  public boolean hasSubqueries() {
    return subqueries;
  }

  private RexNode column(String qualifier, String name, SourcePos pos, Ctx ctx) {
    int found = -1;
    for (int i = 0; i < ctx.scope().size(); i++) {
      Field f = ctx.scope().get(i);
      if (f.name().equals(name) && (qualifier == null || qualifier.equals(f.qualifier()))) {
        if (found >= 0) {
          throw QueryException.at(
              pos,
              QueryException.INVALID_STATEMENT,
              "column " + name + " is ambiguous; qualify it with its table");
        }
        found = i;
      }
    }
    if (found < 0) {
      for (Outer o : outerScopes) {
        int index = fieldIndex(o.scope(), qualifier, name, pos);
        if (index < 0) {
          continue;
        }
        if (o.correlation() == null) {
          throw QueryException.at(
              pos,
              QueryException.FEATURE_NOT_SUPPORTED,
              "column "
                  + (qualifier == null ? "" : qualifier + ".")
                  + name
                  + " belongs to the enclosing query; a subquery reads it only in WHERE or in the"
                  + " select list of a query without GROUP BY");
        }
        o.correlation().used = true;
        return rex.makeFieldAccess(o.correlation().variable, index);
      }
    }
    if (found < 0) {
      String where = qualifier == null ? "" : " in " + qualifier;
      throw QueryException.at(
          pos, QueryException.UNDEFINED_COLUMN, "column " + name + where + " does not exist");
    }
    return rex.makeInputRef(ctx.scope().get(found).type(), found);
  }

  private RexNode binary(Binary b, RelDataType hint, Ctx ctx) {
    switch (b.operator()) {
      case AND, OR -> {
        RexNode l = expr(b.left(), bool(), ctx);
        RexNode r = expr(b.right(), bool(), ctx);
        requireBoolean(l, b.left().pos(), b.operator() + "'s operand");
        requireBoolean(r, b.right().pos(), b.operator() + "'s operand");
        return flat(
            rex.makeCall(
                b.operator() == Binary.Operator.AND
                    ? SqlStdOperatorTable.AND
                    : SqlStdOperatorTable.OR,
                l,
                r));
      }
      case CONCAT -> {
        RexNode l = toVarchar(expr(b.left(), varchar(), ctx));
        RexNode r = toVarchar(expr(b.right(), varchar(), ctx));
        return rex.makeCall(SqlStdOperatorTable.CONCAT, l, r);
      }
      default -> {
        RexNode[] sides = pair(b.left(), b.right(), b.operator().isComparison() ? null : hint, ctx);
        SqlOperator op =
            switch (b.operator()) {
              case EQUAL -> SqlStdOperatorTable.EQUALS;
              case NOT_EQUAL -> SqlStdOperatorTable.NOT_EQUALS;
              case LESS_THAN -> SqlStdOperatorTable.LESS_THAN;
              case LESS_THAN_OR_EQUAL -> SqlStdOperatorTable.LESS_THAN_OR_EQUAL;
              case GREATER_THAN -> SqlStdOperatorTable.GREATER_THAN;
              case GREATER_THAN_OR_EQUAL -> SqlStdOperatorTable.GREATER_THAN_OR_EQUAL;
              case ADD -> SqlStdOperatorTable.PLUS;
              case SUBTRACT -> SqlStdOperatorTable.MINUS;
              case MULTIPLY -> SqlStdOperatorTable.MULTIPLY;
              case DIVIDE -> SqlStdOperatorTable.DIVIDE;
              default -> SqlStdOperatorTable.MOD;
            };
        if (b.operator().isComparison()) {
          return compare(op, sides[0], sides[1], b.pos());
        }
        requireNumeric(sides[0], b.left().pos(), b.operator().sql());
        requireNumeric(sides[1], b.right().pos(), b.operator().sql());
        RexNode[] same = common(sides[0], sides[1]);
        if (b.operator() == Binary.Operator.DIVIDE
            && (SqlTypeUtil.isApproximateNumeric(same[0].getType())
                || SqlTypeUtil.isApproximateNumeric(same[1].getType()))) {
          // Java's double division gives Infinity or NaN for a zero divisor; SQL's is an error, as
          // on the write path.
          RelDataType dbl = types.createSqlType(SqlTypeName.DOUBLE);
          return rex.makeCall(
              QkvOperators.DIVIDE_DOUBLE, castTo(same[0], dbl), castTo(same[1], dbl));
        }
        return rex.makeCall(op, same[0], same[1]);
      }
    }
  }

  /** Translates two operands; a bare parameter, NULL or string takes the other side's type. */
  private RexNode[] pair(Expression left, Expression right, RelDataType hint, Ctx ctx) {
    boolean leftBare = isBare(left);
    boolean rightBare = isBare(right);
    if (leftBare && !rightBare) {
      RexNode r = expr(right, hint, ctx);
      return new RexNode[] {expr(left, r.getType(), ctx), r};
    }
    RexNode l = expr(left, hint, ctx);
    return new RexNode[] {l, expr(right, l.getType(), ctx)};
  }

  private static boolean isBare(Expression e) {
    return e instanceof Parameter
        || e instanceof NullLiteral
        || e instanceof StringLiteral
        || e instanceof IntegerLiteral
        || e instanceof DecimalLiteral;
  }

  private RexNode compare(SqlOperator op, RexNode l, RexNode r, SourcePos pos) {
    if (!comparable(l.getType(), r.getType())) {
      throw mismatch(pos, "cannot compare " + l.getType() + " with " + r.getType());
    }
    RexNode[] same = common(l, r);
    return rex.makeCall(op, same[0], same[1]);
  }

  private static boolean comparable(RelDataType a, RelDataType b) {
    if (a.getSqlTypeName() == SqlTypeName.NULL || b.getSqlTypeName() == SqlTypeName.NULL) {
      return true;
    }
    SqlTypeFamily fa = a.getSqlTypeName().getFamily();
    SqlTypeFamily fb = b.getSqlTypeName().getFamily();
    return fa == fb;
  }

  /** Casts numeric operands of different types to their common type, as SQL's promotion does. */
  private RexNode[] common(RexNode l, RexNode r) {
    RelDataType a = l.getType();
    RelDataType b = r.getType();
    if (SqlTypeUtil.isNumeric(a)
        && SqlTypeUtil.isNumeric(b)
        && !SqlTypeUtil.equalSansNullability(types, a, b)) {
      RelDataType t = types.leastRestrictive(List.of(a, b));
      if (t != null) {
        return new RexNode[] {castTo(l, t), castTo(r, t)};
      }
    }
    return new RexNode[] {l, r};
  }

  /**
   * CASE as Calcite's CASE: a simple CASE compares its operand with each WHEN value; the results
   * (and ELSE, NULL without one) take their common type. A bare parameter, NULL or string among the
   * results takes the type of the others (or of what the CASE meets).
   */
  private RexNode caseExpression(Case c, RelDataType hint, Ctx ctx) {
    RexNode operand = c.operand().map(o -> expr(o, null, ctx)).orElse(null);
    List<RexNode> conditions = new ArrayList<>();
    for (Case.When w : c.whens()) {
      if (operand != null) {
        RexNode value = expr(w.condition(), operand.getType(), ctx);
        conditions.add(compare(SqlStdOperatorTable.EQUALS, operand, value, w.condition().pos()));
      } else {
        RexNode condition = expr(w.condition(), bool(), ctx);
        requireBoolean(condition, w.condition().pos(), "a WHEN condition");
        conditions.add(condition);
      }
    }
    List<Expression> branches = new ArrayList<>();
    c.whens().forEach(w -> branches.add(w.result()));
    c.otherwise().ifPresent(branches::add);
    RexNode[] results = new RexNode[branches.size()];
    RelDataType t = hint;
    // Typed results first, so that the bare ones can take their type.
    for (boolean bare : new boolean[] {false, true}) {
      for (int i = 0; i < results.length; i++) {
        Expression b = branches.get(i);
        if (isBare(b) != bare) {
          continue;
        }
        RexNode n = expr(b, t, ctx);
        if (t == null || t.getSqlTypeName() == SqlTypeName.NULL) {
          t = n.getType();
        } else if (!comparable(t, n.getType())) {
          throw mismatch(b.pos(), "CASE mixes " + t + " and " + n.getType());
        }
        results[i] = n;
      }
    }
    RelDataType common =
        varying(types.leastRestrictive(Arrays.stream(results).map(RexNode::getType).toList()));
    if (common == null) {
      throw mismatch(c.pos(), "the results of CASE have no common type");
    }
    List<RexNode> operands = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      operands.add(conditions.get(i));
      operands.add(castTo(results[i], common));
    }
    operands.add(
        c.otherwise().isPresent()
            ? castTo(results[results.length - 1], common)
            : rex.makeNullLiteral(common));
    return rex.makeCall(SqlStdOperatorTable.CASE, operands);
  }

  /**
   * {@code t}, but VARCHAR where it is CHAR: Calcite types string literals as CHAR(n), and the
   * common type of CHAR(3) and CHAR(4) is CHAR(4), which would pad the shorter value with a space.
   */
  private RelDataType varying(RelDataType t) {
    if (t == null || t.getSqlTypeName() != SqlTypeName.CHAR) {
      return t;
    }
    return types.createTypeWithNullability(
        types.createSqlType(SqlTypeName.VARCHAR, t.getPrecision()), t.isNullable());
  }

  private RexNode castTo(RexNode n, RelDataType t) {
    if (SqlTypeUtil.equalSansNullability(types, n.getType(), t)) {
      return n;
    }
    return rex.makeCast(types.createTypeWithNullability(t, n.getType().isNullable()), n);
  }

  private RexNode toVarchar(RexNode n) {
    if (SqlTypeUtil.inCharFamily(n.getType())) {
      return n;
    }
    return rex.makeCast(types.createTypeWithNullability(varchar(), n.getType().isNullable()), n);
  }

  private void requireNumeric(RexNode n, SourcePos pos, String op) {
    if (!SqlTypeUtil.isNumeric(n.getType()) && n.getType().getSqlTypeName() != SqlTypeName.NULL) {
      throw mismatch(pos, "operator " + op + " needs numbers, not " + n.getType());
    }
  }

  private void requireChar(RexNode n, SourcePos pos, String op) {
    if (!SqlTypeUtil.inCharFamily(n.getType())
        && n.getType().getSqlTypeName() != SqlTypeName.NULL) {
      throw mismatch(pos, op + " needs VARCHAR, not " + n.getType());
    }
  }

  private RexNode function(FunctionCall f, RelDataType hint, Ctx ctx) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    List<Expression> args = f.arguments();
    if (isAggregate(f)) {
      throw QueryException.at(
          f.pos(),
          QueryException.GROUPING_ERROR,
          "aggregate function " + name + " is not allowed here");
    }
    if (FunctionTable.has(name)) {
      return tableFunction(f, hint, ctx);
    }
    Optional<Expression> operator = FunctionTable.asOperator(f);
    if (operator.isPresent()) {
      return expr(operator.get(), hint, ctx);
    }
    switch (name) {
      case "COALESCE" -> {
        if (args.isEmpty()) {
          arity(f, 1);
        }
        List<RexNode> operands = new ArrayList<>();
        RelDataType t = hint;
        for (Expression a : args) {
          RexNode n = expr(a, t, ctx);
          if (t == null || t.getSqlTypeName() == SqlTypeName.NULL) {
            t = n.getType();
          } else if (!comparable(t, n.getType())) {
            throw mismatch(a.pos(), "COALESCE mixes " + t + " and " + n.getType());
          }
          operands.add(n);
        }
        RelDataType common =
            varying(types.leastRestrictive(operands.stream().map(RexNode::getType).toList()));
        if (common == null) {
          throw mismatch(f.pos(), "COALESCE arguments have no common type");
        }
        List<RexNode> cast = operands.stream().map(o -> castTo(o, common)).toList();
        return rex.makeCall(SqlStdOperatorTable.COALESCE, cast);
      }
      default ->
          throw QueryException.at(
              f.pos(), QueryException.UNDEFINED_FUNCTION, "unknown function " + name);
    }
  }

  /** A function of the {@link FunctionTable}, as a call of its Java implementation. */
  private RexNode tableFunction(FunctionCall f, RelDataType hint, Ctx ctx) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    ColumnType hinted =
        hint == null || hint.getSqlTypeName() == SqlTypeName.NULL
            ? null
            : SqlTypes.columnType(hint);
    List<RexNode> args = new ArrayList<>();
    for (int i = 0; i < f.arguments().size(); i++) {
      Expression arg = f.arguments().get(i);
      ColumnType p =
          FunctionTable.parameterHint(
              name, i, hinted, arg instanceof Parameter || arg instanceof NullLiteral);
      args.add(expr(arg, p == null ? null : SqlTypes.relType(types, p, true), ctx));
    }
    FunctionTable.defaultSecondArgument(f)
        .ifPresent(
            d -> args.add(rex.makeLiteral(d, types.createSqlType(SqlTypeName.VARCHAR, 1), false)));
    List<ColumnType> argTypes = new ArrayList<>();
    for (RexNode a : args) {
      argTypes.add(
          a.getType().getSqlTypeName() == SqlTypeName.NULL
              ? null
              : SqlTypes.columnType(a.getType()));
    }
    FunctionTable.Resolved r = FunctionTable.resolve(f, argTypes);
    if (r.method() == null) {
      return args.get(0);
    }
    List<RexNode> operands = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      RelDataType p = SqlTypes.relType(types, r.parameters().get(i), true);
      RexNode a = args.get(i);
      operands.add(
          a.getType().getSqlTypeName() == SqlTypeName.NULL ? rex.makeNullLiteral(p) : castTo(a, p));
    }
    RelDataType result = SqlTypes.relType(types, r.result(), true);
    return rex.makeCall(result, QkvOperators.of(name, result, r.method()), operands);
  }

  private static void arity(FunctionCall f, int n) {
    if (f.arguments().size() != n || f.distinct()) {
      throw QueryException.at(
          f.pos(),
          QueryException.UNDEFINED_FUNCTION,
          f.name().value() + " takes " + n + " argument" + (n == 1 ? "" : "s"));
    }
  }

  private static QueryException mismatch(SourcePos pos, String message) {
    return QueryException.at(pos, QueryException.DATATYPE_MISMATCH, message);
  }

  /** The column type a parsed data type names. */
  public static ColumnType columnType(DataType t) {
    return switch (t.kind()) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case INTEGER -> ColumnType.INTEGER;
      case BIGINT -> ColumnType.BIGINT;
      case DOUBLE -> ColumnType.DOUBLE;
      case DECIMAL ->
          ColumnType.decimal(
              t.precision().orElse(ColumnType.MAX_DECIMAL_PRECISION), t.scale().orElse(0));
      case VARCHAR -> ColumnType.varchar(t.precision().orElse(-1));
      case VARBINARY -> ColumnType.varbinary(t.precision().orElse(-1));
      case TIMESTAMP -> ColumnType.TIMESTAMP;
    };
  }
}
