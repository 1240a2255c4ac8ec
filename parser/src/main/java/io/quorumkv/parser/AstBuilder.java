package io.quorumkv.parser;

import io.quorumkv.parser.ast.AddColumn;
import io.quorumkv.parser.ast.AllColumns;
import io.quorumkv.parser.ast.Assignment;
import io.quorumkv.parser.ast.AstPrinter;
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
import io.quorumkv.parser.ast.Exists;
import io.quorumkv.parser.ast.Explain;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.FunctionCall;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.IfCondition;
import io.quorumkv.parser.ast.IfExists;
import io.quorumkv.parser.ast.InList;
import io.quorumkv.parser.ast.InSubquery;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.InsertSource;
import io.quorumkv.parser.ast.IntegerLiteral;
import io.quorumkv.parser.ast.IsNull;
import io.quorumkv.parser.ast.Join;
import io.quorumkv.parser.ast.Like;
import io.quorumkv.parser.ast.Literal;
import io.quorumkv.parser.ast.Node;
import io.quorumkv.parser.ast.NullLiteral;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.Relation;
import io.quorumkv.parser.ast.ScalarSubquery;
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
import io.quorumkv.parser.grammar.QuorumSqlBaseVisitor;
import io.quorumkv.parser.grammar.QuorumSqlParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Builds the AST of one statement from its parse tree. Besides the tree shape it applies SQL's
 * lexical rules (identifier case folding, quote unescaping), validates literals and the local
 * consistency of a statement (unique column names, declared key columns, read-only {@code
 * _version}), and numbers the {@code ?} parameters. Every problem becomes a {@link
 * SqlParseException} at the offending token. One instance per statement; not thread-safe.
 */
final class AstBuilder extends QuorumSqlBaseVisitor<Node> {

  private static final DateTimeFormatter TIMESTAMP_FORMAT =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendPattern("-MM-dd")
          .optionalStart()
          .appendPattern(" HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
          .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
          .parseDefaulting(ChronoField.NANO_OF_SECOND, 0)
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private static final Map<String, DataType.Kind> TYPE_NAMES = typeNames();

  private final TokenStream tokens;

  /** Token index of each {@code ?} in the statement to its 1-based number. */
  private final Map<Integer, Integer> parameterNumbers = new HashMap<>();

  private AstBuilder(TokenStream tokens, ParserRuleContext statement) {
    this.tokens = tokens;
    int next = 1;
    for (int i = statement.getStart().getTokenIndex();
        i <= statement.getStop().getTokenIndex();
        i++) {
      if (tokens.get(i).getType() == QuorumSqlParser.QUESTION) {
        parameterNumbers.put(i, next++);
      }
    }
  }

  /** Builds the statements of a parsed script. */
  static List<Statement> build(QuorumSqlParser.ScriptContext script, TokenStream tokens) {
    List<Statement> statements = new ArrayList<>();
    for (QuorumSqlParser.StatementContext statement : script.statement()) {
      statements.add((Statement) new AstBuilder(tokens, statement).visit(statement));
    }
    return statements;
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  @Override
  public Node visitExplain(QuorumSqlParser.ExplainContext ctx) {
    return new Explain(pos(ctx), (Statement) visit(ctx.explainableStatement()));
  }

  @Override
  public Node visitPlainStatement(QuorumSqlParser.PlainStatementContext ctx) {
    return visit(ctx.explainableStatement());
  }

  @Override
  public Node visitExplainableStatement(QuorumSqlParser.ExplainableStatementContext ctx) {
    return visit(ctx.getChild(0));
  }

  @Override
  public Node visitCreateTable(QuorumSqlParser.CreateTableContext ctx) {
    List<ColumnDef> columns = new ArrayList<>();
    Map<String, ColumnDef> byName = new HashMap<>();
    List<Identifier> primaryKey = null;
    Token primaryKeyAt = null;
    for (QuorumSqlParser.TableElementContext element : ctx.tableElement()) {
      if (element instanceof QuorumSqlParser.ColumnElementContext columnElement) {
        QuorumSqlParser.ColumnDefinitionContext definition = columnElement.columnDefinition();
        ColumnDef column = columnDefinition(definition);
        if (byName.putIfAbsent(column.name().value(), column) != null) {
          throw error(
              definition.getStart(), "column " + quoted(column.name()) + " is declared twice");
        }
        columns.add(column);
        Token inlineKey = inlinePrimaryKey(definition);
        if (inlineKey != null) {
          if (primaryKey != null) {
            throw error(
                inlineKey, "the primary key is declared twice (first at " + at(primaryKeyAt) + ")");
          }
          primaryKey = List.of(column.name());
          primaryKeyAt = inlineKey;
        }
      } else {
        QuorumSqlParser.PrimaryKeyElementContext keyElement =
            (QuorumSqlParser.PrimaryKeyElementContext) element;
        if (primaryKey != null) {
          throw error(
              keyElement.getStart(),
              "the primary key is declared twice (first at " + at(primaryKeyAt) + ")");
        }
        primaryKey = new ArrayList<>();
        primaryKeyAt = keyElement.getStart();
        Set<String> seen = new HashSet<>();
        for (QuorumSqlParser.IdentifierContext name : keyElement.identifier()) {
          Identifier key = identifier(name);
          if (!seen.add(key.value())) {
            throw error(
                name.getStart(), "column " + quoted(key) + " appears twice in the primary key");
          }
          primaryKey.add(key);
        }
      }
    }
    if (columns.isEmpty()) {
      throw error(ctx.LPAREN(0).getSymbol(), "a table needs at least one column");
    }
    if (primaryKey != null) {
      for (Identifier key : primaryKey) {
        if (!byName.containsKey(key.value())) {
          throw error(
              key.pos(),
              key.value(),
              "primary key column " + quoted(key) + " is not a column of the table");
        }
      }
    }
    Optional<TableEngine> engine = Optional.empty();
    for (QuorumSqlParser.TableOptionContext option : ctx.tableOption()) {
      Identifier name = identifier(option.identifier());
      if (!name.value().equals("ENGINE")) {
        throw error(
            option.getStart(),
            "unknown table option " + quoted(name) + "; the only option is ENGINE");
      }
      if (engine.isPresent()) {
        throw error(option.getStart(), "the ENGINE option is given twice");
      }
      Literal value = (Literal) visit(option.literal());
      Optional<TableEngine> chosen =
          value instanceof StringLiteral s ? TableEngine.fromSqlName(s.value()) : Optional.empty();
      if (chosen.isEmpty()) {
        throw error(
            option.literal().getStart(),
            "unknown engine "
                + option.literal().getText()
                + "; expected one of: "
                + Arrays.stream(TableEngine.values())
                    .map(e -> "'" + e.sqlName() + "'")
                    .collect(Collectors.joining(", ")));
      }
      engine = chosen;
    }
    return new CreateTable(
        pos(ctx),
        identifier(ctx.identifier()),
        ctx.EXISTS() != null,
        columns,
        primaryKey == null ? List.of() : primaryKey,
        engine);
  }

  private ColumnDef columnDefinition(QuorumSqlParser.ColumnDefinitionContext ctx) {
    Identifier name = identifier(ctx.identifier());
    if (name.value().equals(VersionRef.NAME)) {
      throw error(ctx.getStart(), "column name _VERSION is reserved for the row version");
    }
    Boolean notNull = null;
    for (QuorumSqlParser.ColumnConstraintContext constraint : ctx.columnConstraint()) {
      boolean isNotNull = constraint instanceof QuorumSqlParser.NotNullConstraintContext;
      if (isNotNull || constraint instanceof QuorumSqlParser.NullConstraintContext) {
        if (notNull != null) {
          throw error(constraint.getStart(), "NULL or NOT NULL is given twice for " + quoted(name));
        }
        notNull = isNotNull;
      }
    }
    return new ColumnDef(pos(ctx), name, dataType(ctx.dataType()), notNull != null && notNull);
  }

  /** The {@code PRIMARY} token of a column's inline key constraint, or null if it has none. */
  private Token inlinePrimaryKey(QuorumSqlParser.ColumnDefinitionContext ctx) {
    Token found = null;
    for (QuorumSqlParser.ColumnConstraintContext constraint : ctx.columnConstraint()) {
      if (constraint instanceof QuorumSqlParser.PrimaryKeyConstraintContext) {
        if (found != null) {
          throw error(constraint.getStart(), "PRIMARY KEY is given twice for this column");
        }
        found = constraint.getStart();
      }
    }
    return found;
  }

  private DataType dataType(QuorumSqlParser.DataTypeContext ctx) {
    Identifier name = identifier(ctx.identifier());
    DataType.Kind kind = TYPE_NAMES.get(name.value());
    if (kind == null) {
      throw error(
          ctx.getStart(),
          "unknown type "
              + quoted(name)
              + "; expected one of: "
              + Arrays.stream(DataType.Kind.values())
                  .map(Enum::name)
                  .collect(Collectors.joining(", ")));
    }
    List<Token> parameters = new ArrayList<>();
    ctx.INTEGER_VALUE().forEach(node -> parameters.add(node.getSymbol()));
    OptionalInt precision =
        parameters.isEmpty() ? OptionalInt.empty() : OptionalInt.of(smallInt(parameters.get(0)));
    OptionalInt scale =
        parameters.size() < 2 ? OptionalInt.empty() : OptionalInt.of(smallInt(parameters.get(1)));
    return check(ctx.getStart(), () -> new DataType(pos(ctx), kind, precision, scale));
  }

  private int smallInt(Token token) {
    try {
      return Integer.parseInt(token.getText());
    } catch (NumberFormatException e) {
      throw error(token, "type parameter " + token.getText() + " is out of range");
    }
  }

  @Override
  public Node visitDropTable(QuorumSqlParser.DropTableContext ctx) {
    return new DropTable(pos(ctx), identifier(ctx.identifier()), ctx.EXISTS() != null);
  }

  @Override
  public Node visitAlterTable(QuorumSqlParser.AlterTableContext ctx) {
    QuorumSqlParser.ColumnDefinitionContext definition = ctx.columnDefinition();
    Token key = inlinePrimaryKey(definition);
    if (key != null) {
      throw error(key, "ALTER TABLE cannot add a primary key column");
    }
    return new AddColumn(pos(ctx), identifier(ctx.identifier()), columnDefinition(definition));
  }

  @Override
  public Node visitShowTables(QuorumSqlParser.ShowTablesContext ctx) {
    return new ShowTables(pos(ctx));
  }

  @Override
  public Node visitDescribeTable(QuorumSqlParser.DescribeTableContext ctx) {
    return new DescribeTable(pos(ctx), identifier(ctx.identifier()));
  }

  @Override
  public Node visitInsert(QuorumSqlParser.InsertContext ctx) {
    Insert.Mode mode =
        ctx.verb.getType() == QuorumSqlParser.UPSERT ? Insert.Mode.UPSERT : Insert.Mode.INSERT;
    List<Identifier> columns = new ArrayList<>();
    if (ctx.columnList() != null) {
      Set<String> seen = new HashSet<>();
      for (QuorumSqlParser.IdentifierContext name : ctx.columnList().identifier()) {
        Identifier column = writableColumn(name);
        if (!seen.add(column.value())) {
          throw error(name.getStart(), "column " + quoted(column) + " is listed twice");
        }
        columns.add(column);
      }
    }
    InsertSource source;
    boolean ifNotExists = false;
    if (ctx.insertSource() instanceof QuorumSqlParser.ValuesSourceContext values) {
      List<List<Expression>> rows = new ArrayList<>();
      for (QuorumSqlParser.RowContext row : values.row()) {
        List<Expression> expressions = expressions(row.expression());
        int expected =
            columns.isEmpty() ? rows.isEmpty() ? -1 : rows.get(0).size() : columns.size();
        if (expected >= 0 && expressions.size() != expected) {
          throw error(
              row.getStart(),
              "this row has "
                  + plural(expressions.size(), "value")
                  + " but "
                  + (columns.isEmpty()
                      ? "the first row has " + expected
                      : plural(expected, "column") + (expected == 1 ? " is" : " are") + " listed"));
        }
        rows.add(expressions);
      }
      source = new Values(pos(values), rows);
      if (values.IF() != null) {
        if (mode == Insert.Mode.UPSERT) {
          throw error(
              values.IF().getSymbol(),
              "UPSERT always writes; IF NOT EXISTS applies to INSERT only");
        }
        ifNotExists = true;
      }
    } else {
      source = query(((QuorumSqlParser.QuerySourceContext) ctx.insertSource()).query());
    }
    return new Insert(pos(ctx), mode, identifier(ctx.identifier()), columns, source, ifNotExists);
  }

  private Identifier writableColumn(QuorumSqlParser.IdentifierContext ctx) {
    Identifier column = identifier(ctx);
    if (column.value().equals(VersionRef.NAME)) {
      throw error(ctx.getStart(), "_VERSION is maintained by the store and cannot be written");
    }
    return column;
  }

  @Override
  public Node visitUpdate(QuorumSqlParser.UpdateContext ctx) {
    List<Assignment> assignments = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (QuorumSqlParser.AssignmentContext assignment : ctx.assignment()) {
      Identifier column = writableColumn(assignment.identifier());
      if (!seen.add(column.value())) {
        throw error(assignment.getStart(), "column " + quoted(column) + " is assigned twice");
      }
      assignments.add(new Assignment(pos(assignment), column, expression(assignment.expression())));
    }
    return new Update(
        pos(ctx),
        identifier(ctx.identifier()),
        assignments,
        optionalExpression(ctx.where),
        writeCondition(ctx.writeCondition()));
  }

  @Override
  public Node visitDelete(QuorumSqlParser.DeleteContext ctx) {
    return new Delete(
        pos(ctx),
        identifier(ctx.identifier()),
        optionalExpression(ctx.where),
        writeCondition(ctx.writeCondition()));
  }

  private Optional<WriteCondition> writeCondition(QuorumSqlParser.WriteConditionContext ctx) {
    if (ctx == null) {
      return Optional.empty();
    }
    if (ctx instanceof QuorumSqlParser.IfConditionContext condition) {
      return Optional.of(new IfCondition(pos(ctx), expression(condition.expression())));
    }
    return Optional.of(new IfExists(pos(ctx)));
  }

  @Override
  public Node visitSelect(QuorumSqlParser.SelectContext ctx) {
    return new Select(pos(ctx), query(ctx.query()), optionalExpression(ctx.condition));
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  private Query query(QuorumSqlParser.QueryContext ctx) {
    Query body = queryBody(ctx.queryBody());
    List<SortItem> orderBy = new ArrayList<>();
    for (QuorumSqlParser.SortItemContext item : ctx.sortItem()) {
      orderBy.add(
          new SortItem(
              pos(item),
              expression(item.expression()),
              item.ordering != null && item.ordering.getType() == QuorumSqlParser.DESC,
              item.nullOrdering == null
                  ? Optional.empty()
                  : Optional.of(item.nullOrdering.getType() == QuorumSqlParser.FIRST)));
    }
    Optional<Expression> limit = rowCount(ctx.limit);
    Optional<Expression> offset = rowCount(ctx.offset);
    if (orderBy.isEmpty() && limit.isEmpty() && offset.isEmpty()) {
      return body;
    }
    if (hasRowClauses(body)) {
      Token clause =
          ctx.ORDER() != null
              ? ctx.ORDER().getSymbol()
              : ctx.LIMIT() != null ? ctx.LIMIT().getSymbol() : ctx.OFFSET().getSymbol();
      throw error(
          clause, "the parenthesized query already has ORDER BY, LIMIT or OFFSET; give them once");
    }
    return body.with(body.setOperations(), orderBy, limit, offset);
  }

  private static boolean hasRowClauses(Query q) {
    return !q.orderBy().isEmpty() || q.limit().isPresent() || q.offset().isPresent();
  }

  private Query queryBody(QuorumSqlParser.QueryBodyContext ctx) {
    if (ctx instanceof QuorumSqlParser.PrimaryQueryContext p) {
      QuorumSqlParser.QueryPrimaryContext primary = p.queryPrimary();
      if (primary instanceof QuorumSqlParser.SelectQueryContext s) {
        return querySpecification(s.querySpecification());
      }
      return query(((QuorumSqlParser.ParenthesizedQueryContext) primary).query());
    }
    QuorumSqlParser.SetQueryContext set = (QuorumSqlParser.SetQueryContext) ctx;
    Query left = queryBody(set.left);
    if (hasRowClauses(left)) {
      // The operations of a compound query apply to its first SELECT's rows before any ORDER BY.
      throw error(
          set.operator,
          "a query with ORDER BY, LIMIT or OFFSET can only be the right operand of "
              + set.operator.getText().toUpperCase(java.util.Locale.ROOT)
              + "; swap the operands or move the query into FROM");
    }
    SetOperation.Kind kind =
        switch (set.operator.getType()) {
          case QuorumSqlParser.UNION -> SetOperation.Kind.UNION;
          case QuorumSqlParser.INTERSECT -> SetOperation.Kind.INTERSECT;
          default -> SetOperation.Kind.EXCEPT;
        };
    boolean all = set.quantifier != null && set.quantifier.getType() == QuorumSqlParser.ALL;
    List<SetOperation> operations = new ArrayList<>(left.setOperations());
    operations.add(new SetOperation(pos(set.operator), kind, all, queryBody(set.right)));
    return left.with(operations, List.of(), Optional.empty(), Optional.empty());
  }

  private Query querySpecification(QuorumSqlParser.QuerySpecificationContext ctx) {
    List<SelectItem> items = new ArrayList<>();
    for (QuorumSqlParser.SelectItemContext item : ctx.selectItem()) {
      items.add((SelectItem) visit(item));
    }
    Optional<Relation> from = Optional.empty();
    for (QuorumSqlParser.RelationContext relation : ctx.relation()) {
      Relation right = (Relation) visit(relation);
      from =
          Optional.of(
              from.isEmpty()
                  ? right
                  : new Join(
                      pos(previousToken(relation.getStart())),
                      Join.Type.CROSS,
                      from.get(),
                      right,
                      Optional.empty()));
    }
    return new Query(
        pos(ctx),
        ctx.DISTINCT() != null,
        items,
        from,
        optionalExpression(ctx.where),
        expressions(
            ctx.expression().stream().filter(e -> e != ctx.where && e != ctx.having).toList()),
        optionalExpression(ctx.having),
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  private Optional<Expression> rowCount(QuorumSqlParser.RowCountContext ctx) {
    if (ctx == null) {
      return Optional.empty();
    }
    if (ctx.QUESTION() != null) {
      return Optional.of(parameter(ctx.QUESTION().getSymbol()));
    }
    return Optional.of(integer(ctx.getStart(), false, pos(ctx)));
  }

  @Override
  public Node visitSelectAll(QuorumSqlParser.SelectAllContext ctx) {
    return new AllColumns(pos(ctx), Optional.empty());
  }

  @Override
  public Node visitSelectAllOf(QuorumSqlParser.SelectAllOfContext ctx) {
    return new AllColumns(pos(ctx), Optional.of(identifier(ctx.identifier())));
  }

  @Override
  public Node visitSelectSingle(QuorumSqlParser.SelectSingleContext ctx) {
    return new SingleColumn(
        pos(ctx), expression(ctx.expression()), optionalIdentifier(ctx.identifier()));
  }

  @Override
  public Node visitCrossJoin(QuorumSqlParser.CrossJoinContext ctx) {
    return new Join(
        pos(ctx.CROSS().getSymbol()),
        Join.Type.CROSS,
        (Relation) visit(ctx.left),
        (Relation) visit(ctx.right),
        Optional.empty());
  }

  @Override
  public Node visitQualifiedJoin(QuorumSqlParser.QualifiedJoinContext ctx) {
    QuorumSqlParser.JoinTypeContext type = ctx.joinType();
    Join.Type kind = Join.Type.INNER;
    if (type.LEFT() != null) {
      kind = Join.Type.LEFT;
    } else if (type.RIGHT() != null) {
      kind = Join.Type.RIGHT;
    } else if (type.FULL() != null) {
      kind = Join.Type.FULL;
    }
    Token at = type.getChildCount() > 0 ? type.getStart() : ctx.JOIN().getSymbol();
    return new Join(
        pos(at),
        kind,
        (Relation) visit(ctx.left),
        (Relation) visit(ctx.right),
        Optional.of(expression(ctx.expression())));
  }

  @Override
  public Node visitRelationDefault(QuorumSqlParser.RelationDefaultContext ctx) {
    return visit(ctx.relationPrimary());
  }

  @Override
  public Node visitTableRelation(QuorumSqlParser.TableRelationContext ctx) {
    return new TableRef(pos(ctx), identifier(ctx.identifier(0)), optionalIdentifier(ctx.alias));
  }

  @Override
  public Node visitSubqueryRelation(QuorumSqlParser.SubqueryRelationContext ctx) {
    return new DerivedTable(pos(ctx), query(ctx.query()), optionalIdentifier(ctx.alias));
  }

  @Override
  public Node visitParenthesizedRelation(QuorumSqlParser.ParenthesizedRelationContext ctx) {
    return visit(ctx.relation());
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  private Expression expression(ParserRuleContext ctx) {
    return (Expression) visit(ctx);
  }

  private Optional<Expression> optionalExpression(ParserRuleContext ctx) {
    return ctx == null ? Optional.empty() : Optional.of(expression(ctx));
  }

  private List<Expression> expressions(List<? extends ParserRuleContext> contexts) {
    List<Expression> out = new ArrayList<>(contexts.size());
    for (ParserRuleContext ctx : contexts) {
      out.add(expression(ctx));
    }
    return out;
  }

  @Override
  public Node visitExpression(QuorumSqlParser.ExpressionContext ctx) {
    return visit(ctx.booleanExpression());
  }

  @Override
  public Node visitPredicated(QuorumSqlParser.PredicatedContext ctx) {
    Expression value = expression(ctx.valueExpression());
    QuorumSqlParser.PredicateContext predicate = ctx.predicate();
    if (predicate == null) {
      return value;
    }
    SourcePos at = pos(predicate);
    if (predicate instanceof QuorumSqlParser.ComparisonContext comparison) {
      return new Binary(
          at,
          comparisonOperator(comparison.comparisonOperator().getStart()),
          value,
          expression(comparison.right));
    }
    if (predicate instanceof QuorumSqlParser.BetweenContext between) {
      return new Between(
          at, value, expression(between.lower), expression(between.upper), between.NOT() != null);
    }
    if (predicate instanceof QuorumSqlParser.InSubqueryContext in) {
      return new InSubquery(at, value, query(in.query()), in.NOT() != null);
    }
    if (predicate instanceof QuorumSqlParser.InListContext in) {
      return new InList(at, value, expressions(in.expression()), in.NOT() != null);
    }
    if (predicate instanceof QuorumSqlParser.LikeContext like) {
      return new Like(
          at, value, expression(like.pattern), optionalExpression(like.escape), like.NOT() != null);
    }
    return new IsNull(at, value, ((QuorumSqlParser.NullPredicateContext) predicate).NOT() != null);
  }

  private static Binary.Operator comparisonOperator(Token token) {
    return switch (token.getType()) {
      case QuorumSqlParser.EQ -> Binary.Operator.EQUAL;
      case QuorumSqlParser.NEQ -> Binary.Operator.NOT_EQUAL;
      case QuorumSqlParser.LT -> Binary.Operator.LESS_THAN;
      case QuorumSqlParser.LTE -> Binary.Operator.LESS_THAN_OR_EQUAL;
      case QuorumSqlParser.GT -> Binary.Operator.GREATER_THAN;
      case QuorumSqlParser.GTE -> Binary.Operator.GREATER_THAN_OR_EQUAL;
      default -> throw new IllegalStateException("not a comparison: " + token.getText());
    };
  }

  @Override
  public Node visitLogicalNot(QuorumSqlParser.LogicalNotContext ctx) {
    return new Unary(pos(ctx), Unary.Operator.NOT, expression(ctx.booleanExpression()));
  }

  @Override
  public Node visitLogicalAnd(QuorumSqlParser.LogicalAndContext ctx) {
    return binaryChain(ctx);
  }

  @Override
  public Node visitLogicalOr(QuorumSqlParser.LogicalOrContext ctx) {
    return binaryChain(ctx);
  }

  @Override
  public Node visitValueDefault(QuorumSqlParser.ValueDefaultContext ctx) {
    return visit(ctx.primaryExpression());
  }

  @Override
  public Node visitArithmeticUnary(QuorumSqlParser.ArithmeticUnaryContext ctx) {
    if (ctx.operator.getType() == QuorumSqlParser.PLUS) {
      return visit(ctx.valueExpression());
    }
    // A minus directly before a number is part of the literal, so that the most negative BIGINT
    // can be written and "-1" reads as the constant it looks like.
    Token number = directNumber(ctx.valueExpression());
    if (number != null) {
      return number(number, true, pos(ctx));
    }
    return new Unary(pos(ctx), Unary.Operator.NEGATE, expression(ctx.valueExpression()));
  }

  /** The numeric literal token that makes up the whole expression, or null. */
  private static Token directNumber(QuorumSqlParser.ValueExpressionContext ctx) {
    if (ctx instanceof QuorumSqlParser.ValueDefaultContext value
        && value.primaryExpression() instanceof QuorumSqlParser.LiteralExpressionContext literal) {
      QuorumSqlParser.LiteralContext l = literal.literal();
      if (l instanceof QuorumSqlParser.IntegerLiteralContext
          || l instanceof QuorumSqlParser.DecimalLiteralContext
          || l instanceof QuorumSqlParser.DoubleLiteralContext) {
        return l.getStart();
      }
    }
    return null;
  }

  @Override
  public Node visitArithmeticBinary(QuorumSqlParser.ArithmeticBinaryContext ctx) {
    return binaryChain(ctx);
  }

  @Override
  public Node visitConcatenation(QuorumSqlParser.ConcatenationContext ctx) {
    return binaryChain(ctx);
  }

  /**
   * Builds a left-associative chain such as {@code a OR b OR c ...} without recursing once per
   * operator: generated statements can have thousands of terms (IN-like OR lists), and the parse
   * tree of such a chain is as deep as it is long.
   */
  private Expression binaryChain(ParserRuleContext ctx) {
    Deque<ParserRuleContext> spine = new ArrayDeque<>();
    ParserRuleContext current = ctx;
    while (true) {
      ParserRuleContext left = leftOperand(current);
      if (left == null) {
        break;
      }
      spine.push(current);
      current = left;
    }
    Expression result = expression(current);
    while (!spine.isEmpty()) {
      ParserRuleContext operation = spine.pop();
      result = binary(operation, result);
    }
    return result;
  }

  /** The left operand of a binary operation context, or null if it is not one. */
  private static ParserRuleContext leftOperand(ParserRuleContext ctx) {
    if (ctx instanceof QuorumSqlParser.LogicalAndContext and) {
      return and.left;
    }
    if (ctx instanceof QuorumSqlParser.LogicalOrContext or) {
      return or.left;
    }
    if (ctx instanceof QuorumSqlParser.ArithmeticBinaryContext arithmetic) {
      return arithmetic.left;
    }
    if (ctx instanceof QuorumSqlParser.ConcatenationContext concatenation) {
      return concatenation.left;
    }
    return null;
  }

  private Binary binary(ParserRuleContext ctx, Expression left) {
    if (ctx instanceof QuorumSqlParser.LogicalAndContext and) {
      return new Binary(
          pos(and.AND().getSymbol()), Binary.Operator.AND, left, expression(and.right));
    }
    if (ctx instanceof QuorumSqlParser.LogicalOrContext or) {
      return new Binary(pos(or.OR().getSymbol()), Binary.Operator.OR, left, expression(or.right));
    }
    if (ctx instanceof QuorumSqlParser.ConcatenationContext concatenation) {
      return new Binary(
          pos(concatenation.CONCAT().getSymbol()),
          Binary.Operator.CONCAT,
          left,
          expression(concatenation.right));
    }
    QuorumSqlParser.ArithmeticBinaryContext arithmetic =
        (QuorumSqlParser.ArithmeticBinaryContext) ctx;
    Binary.Operator operator =
        switch (arithmetic.operator.getType()) {
          case QuorumSqlParser.ASTERISK -> Binary.Operator.MULTIPLY;
          case QuorumSqlParser.SLASH -> Binary.Operator.DIVIDE;
          case QuorumSqlParser.PERCENT -> Binary.Operator.MODULUS;
          case QuorumSqlParser.PLUS -> Binary.Operator.ADD;
          case QuorumSqlParser.MINUS -> Binary.Operator.SUBTRACT;
          default ->
              throw new IllegalStateException(
                  "not an arithmetic operator: " + arithmetic.operator.getText());
        };
    return new Binary(pos(arithmetic.operator), operator, left, expression(arithmetic.right));
  }

  @Override
  public Node visitLiteralExpression(QuorumSqlParser.LiteralExpressionContext ctx) {
    return visit(ctx.literal());
  }

  @Override
  public Node visitParameter(QuorumSqlParser.ParameterContext ctx) {
    return parameter(ctx.getStart());
  }

  private Parameter parameter(Token token) {
    return new Parameter(pos(token), parameterNumbers.get(token.getTokenIndex()));
  }

  @Override
  public Node visitCast(QuorumSqlParser.CastContext ctx) {
    return new Cast(pos(ctx), expression(ctx.expression()), dataType(ctx.dataType()));
  }

  @Override
  public Node visitCaseExpression(QuorumSqlParser.CaseExpressionContext ctx) {
    List<Case.When> whens = new ArrayList<>();
    for (QuorumSqlParser.WhenClauseContext w : ctx.whenClause()) {
      whens.add(new Case.When(pos(w), expression(w.condition), expression(w.result)));
    }
    return new Case(
        pos(ctx),
        Optional.ofNullable(ctx.operand).map(this::expression),
        whens,
        Optional.ofNullable(ctx.otherwise).map(this::expression));
  }

  @Override
  public Node visitSubstring(QuorumSqlParser.SubstringContext ctx) {
    List<Expression> args = new ArrayList<>();
    args.add(expression(ctx.expression(0)));
    args.add(expression(ctx.start));
    if (ctx.count != null) {
      args.add(expression(ctx.count));
    }
    return call(ctx.SUBSTRING().getSymbol(), "SUBSTRING", args);
  }

  @Override
  public Node visitPosition(QuorumSqlParser.PositionContext ctx) {
    return call(
        ctx.POSITION().getSymbol(),
        "POSITION",
        List.of(expression(ctx.sub), expression(ctx.string)));
  }

  /** TRIM([BOTH | LEADING | TRAILING] [chars] FROM s) is BTRIM, LTRIM or RTRIM(s [, chars]). */
  @Override
  public Node visitTrim(QuorumSqlParser.TrimContext ctx) {
    String name =
        ctx.side == null || ctx.side.getType() == QuorumSqlParser.BOTH
            ? "BTRIM"
            : ctx.side.getType() == QuorumSqlParser.LEADING ? "LTRIM" : "RTRIM";
    List<Expression> args = new ArrayList<>();
    args.add(expression(ctx.string));
    if (ctx.chars != null) {
      args.add(expression(ctx.chars));
    }
    return call(ctx.TRIM().getSymbol(), name, args);
  }

  /** The SQL-standard forms of some functions, as plain calls with their arguments in order. */
  private static FunctionCall call(Token at, String name, List<Expression> args) {
    return new FunctionCall(pos(at), new Identifier(pos(at), name), false, args);
  }

  @Override
  public Node visitExists(QuorumSqlParser.ExistsContext ctx) {
    return new Exists(pos(ctx), query(ctx.query()));
  }

  @Override
  public Node visitScalarSubquery(QuorumSqlParser.ScalarSubqueryContext ctx) {
    return new ScalarSubquery(pos(ctx), query(ctx.query()));
  }

  @Override
  public Node visitFunctionCallStar(QuorumSqlParser.FunctionCallStarContext ctx) {
    Identifier name = identifier(ctx.identifier());
    if (!name.value().equals("COUNT")) {
      throw error(
          ctx.ASTERISK().getSymbol(), "only COUNT takes * as its argument, not " + quoted(name));
    }
    return new CountStar(pos(ctx));
  }

  @Override
  public Node visitFunctionCall(QuorumSqlParser.FunctionCallContext ctx) {
    return new FunctionCall(
        pos(ctx),
        identifier(ctx.identifier()),
        ctx.DISTINCT() != null,
        expressions(ctx.expression()));
  }

  @Override
  public Node visitQualifiedColumn(QuorumSqlParser.QualifiedColumnContext ctx) {
    return column(pos(ctx), Optional.of(identifier(ctx.qualifier)), identifier(ctx.column));
  }

  @Override
  public Node visitColumn(QuorumSqlParser.ColumnContext ctx) {
    return column(pos(ctx), Optional.empty(), identifier(ctx.identifier()));
  }

  private static Expression column(SourcePos pos, Optional<Identifier> table, Identifier column) {
    if (column.value().equals(VersionRef.NAME)) {
      return new VersionRef(pos, table);
    }
    return new ColumnRef(pos, table, column);
  }

  @Override
  public Node visitParenthesized(QuorumSqlParser.ParenthesizedContext ctx) {
    return visit(ctx.expression());
  }

  // ---------------------------------------------------------------------------------------------
  // Literals

  @Override
  public Node visitNullLiteral(QuorumSqlParser.NullLiteralContext ctx) {
    return new NullLiteral(pos(ctx));
  }

  @Override
  public Node visitBooleanLiteral(QuorumSqlParser.BooleanLiteralContext ctx) {
    return new BooleanLiteral(pos(ctx), ctx.TRUE() != null);
  }

  @Override
  public Node visitIntegerLiteral(QuorumSqlParser.IntegerLiteralContext ctx) {
    return number(ctx.getStart(), false, pos(ctx));
  }

  @Override
  public Node visitDecimalLiteral(QuorumSqlParser.DecimalLiteralContext ctx) {
    return number(ctx.getStart(), false, pos(ctx));
  }

  @Override
  public Node visitDoubleLiteral(QuorumSqlParser.DoubleLiteralContext ctx) {
    return number(ctx.getStart(), false, pos(ctx));
  }

  private Literal number(Token token, boolean negative, SourcePos pos) {
    String text = token.getText();
    switch (token.getType()) {
      case QuorumSqlParser.INTEGER_VALUE:
        return integer(token, negative, pos);
      case QuorumSqlParser.DECIMAL_VALUE:
        {
          BigDecimal value = new BigDecimal(text);
          BigDecimal signed = negative ? value.negate() : value;
          return check(token, () -> new DecimalLiteral(pos, signed));
        }
      case QuorumSqlParser.DOUBLE_VALUE:
        {
          double value = Double.parseDouble(text);
          boolean underflow = value == 0.0 && new BigDecimal(text).signum() != 0;
          if (Double.isInfinite(value) || underflow) {
            throw error(
                token, "number " + (negative ? "-" : "") + text + " is out of range for DOUBLE");
          }
          return new DoubleLiteral(pos, negative ? -value : value);
        }
      default:
        throw new IllegalStateException("not a number: " + text);
    }
  }

  private IntegerLiteral integer(Token token, boolean negative, SourcePos pos) {
    BigInteger value = new BigInteger(token.getText());
    if (negative) {
      value = value.negate();
    }
    if (value.bitLength() > 63) {
      throw error(
          token,
          "integer "
              + value
              + " is out of range for BIGINT (-9223372036854775808 to 9223372036854775807)");
    }
    return new IntegerLiteral(pos, value.longValueExact());
  }

  @Override
  public Node visitStringLiteral(QuorumSqlParser.StringLiteralContext ctx) {
    return new StringLiteral(pos(ctx), unquote(ctx.getStart().getText(), '\''));
  }

  @Override
  public Node visitBinaryLiteral(QuorumSqlParser.BinaryLiteralContext ctx) {
    String text = ctx.getStart().getText();
    String digits = text.substring(2, text.length() - 1);
    if (digits.length() % 2 != 0) {
      throw error(ctx.getStart(), "binary literal needs an even number of hexadecimal digits");
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), 16) < 0) {
        throw error(
            ctx.getStart(),
            "binary literal has a character that is not a hexadecimal digit: '"
                + digits.charAt(i)
                + "'");
      }
    }
    return new BinaryLiteral(pos(ctx), HexFormat.of().parseHex(digits));
  }

  @Override
  public Node visitTimestampLiteral(QuorumSqlParser.TimestampLiteralContext ctx) {
    String value = unquote(ctx.STRING().getText(), '\'');
    try {
      return new TimestampLiteral(pos(ctx), LocalDateTime.parse(value, TIMESTAMP_FORMAT));
    } catch (DateTimeParseException e) {
      throw error(
          ctx.STRING().getSymbol(),
          "invalid TIMESTAMP '" + value + "': expected 'yyyy-MM-dd[ HH:mm:ss[.fffffffff]]'");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Identifiers

  private Identifier identifier(QuorumSqlParser.IdentifierContext ctx) {
    Token token = ctx.getStart();
    if (ctx instanceof QuorumSqlParser.QuotedIdentifierContext) {
      String value = unquote(token.getText(), '"');
      if (value.isEmpty()) {
        throw error(token, "a quoted identifier cannot be empty");
      }
      return new Identifier(pos(token), value);
    }
    return new Identifier(pos(token), token.getText().toUpperCase(Locale.ROOT));
  }

  private Optional<Identifier> optionalIdentifier(QuorumSqlParser.IdentifierContext ctx) {
    return ctx == null ? Optional.empty() : Optional.of(identifier(ctx));
  }

  /** Strips the surrounding quotes and undoes the doubling of quotes inside. */
  private static String unquote(String text, char quote) {
    String q = String.valueOf(quote);
    return text.substring(1, text.length() - 1).replace(q + q, q);
  }

  // ---------------------------------------------------------------------------------------------
  // Positions and errors

  private static SourcePos pos(ParserRuleContext ctx) {
    return pos(ctx.getStart());
  }

  static SourcePos pos(Token token) {
    return new SourcePos(token.getLine(), token.getCharPositionInLine() + 1);
  }

  private Token previousToken(Token token) {
    int i = token.getTokenIndex() - 1;
    while (tokens.get(i).getChannel() != Token.DEFAULT_CHANNEL) {
      i--;
    }
    return tokens.get(i);
  }

  private static String at(Token token) {
    SourcePos pos = pos(token);
    return "line " + pos.line() + ":" + pos.column();
  }

  private static String quoted(Identifier identifier) {
    return AstPrinter.identifier(identifier.value());
  }

  private static SqlParseException error(Token token, String reason) {
    return error(pos(token), token.getText(), reason);
  }

  private static SqlParseException error(SourcePos pos, String token, String reason) {
    return new SqlParseException(pos.line(), pos.column(), reason, token, List.of());
  }

  /** Runs an AST constructor whose checks (IllegalArgumentException) become parse errors. */
  private static <T> T check(Token token, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw error(token, e.getMessage());
    }
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static Map<String, DataType.Kind> typeNames() {
    Map<String, DataType.Kind> names = new HashMap<>();
    for (DataType.Kind kind : DataType.Kind.values()) {
      names.put(kind.name(), kind);
    }
    names.put("INT", DataType.Kind.INTEGER);
    return Map.copyOf(names);
  }
}
