package io.quorumkv.parser.ast;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prints a syntax tree as canonical SQL: one line, keywords and unquoted names in upper case, names
 * quoted only when they must be, parentheses only where precedence needs them, and literals in a
 * form that reads back as the same value. Parsing the output yields a tree equal to the input apart
 * from positions (and parameter numbers, which are renumbered in source order). Golden tests
 * compare this text, and later phases use it to show expressions in plans and error messages.
 *
 * <p>Stateless and thread-safe.
 */
public final class AstPrinter {

  /**
   * Keywords that cannot be used as bare identifiers; a name equal to one of them is printed
   * quoted. Must match the grammar (all keywords except those in its {@code nonReserved} rule); a
   * test checks this.
   */
  static final Set<String> RESERVED =
      Set.of(
          "ALL",
          "ALTER",
          "AND",
          "AS",
          "ASC",
          "BETWEEN",
          "BOTH",
          "BY",
          "CASE",
          "CAST",
          "CREATE",
          "CROSS",
          "DELETE",
          "DESC",
          "DISTINCT",
          "DROP",
          "ELSE",
          "END",
          "ESCAPE",
          "EXCEPT",
          "EXISTS",
          "FALSE",
          "FOR",
          "FROM",
          "FULL",
          "GROUP",
          "HAVING",
          "IF",
          "IN",
          "INNER",
          "INSERT",
          "INTERSECT",
          "INTO",
          "IS",
          "JOIN",
          "LEADING",
          "LEFT",
          "LIKE",
          "LIMIT",
          "NOT",
          "NULL",
          "OFFSET",
          "ON",
          "OR",
          "ORDER",
          "OUTER",
          "PRIMARY",
          "RIGHT",
          "SELECT",
          "SET",
          "TABLE",
          "THEN",
          "TRAILING",
          "TRUE",
          "UNION",
          "UPDATE",
          "UPSERT",
          "VALUES",
          "WHEN",
          "WHERE",
          "WITH");

  private static final Pattern BARE_IDENTIFIER = Pattern.compile("[A-Z_][A-Z0-9_]*");

  private static final DateTimeFormatter TIMESTAMP_FORMAT =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendPattern("-MM-dd HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .toFormatter();

  // Binding strength, loosest first; see the grammar's expression rules.
  private static final int OR = 1;
  private static final int AND = 2;
  private static final int NOT = 3;
  private static final int PREDICATE = 4;
  private static final int CONCAT = 5;
  private static final int ADDITIVE = 6;
  private static final int MULTIPLICATIVE = 7;
  private static final int NEGATE = 8;
  private static final int PRIMARY = 9;

  private AstPrinter() {}

  /** The canonical SQL text of a node (a statement, expression, relation, type, ...). */
  public static String print(Node node) {
    StringBuilder out = new StringBuilder();
    node(out, node);
    return out.toString();
  }

  /** A name as it must be written to read back as itself: bare if possible, else quoted. */
  public static String identifier(String name) {
    if (BARE_IDENTIFIER.matcher(name).matches() && !RESERVED.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static void node(StringBuilder out, Node node) {
    if (node instanceof Statement statement) {
      statement(out, statement);
    } else if (node instanceof Expression expression) {
      expression(out, expression, 0);
    } else if (node instanceof Relation relation) {
      relation(out, relation);
    } else if (node instanceof Query query) {
      query(out, query);
    } else if (node instanceof Values values) {
      values(out, values);
    } else if (node instanceof SelectItem item) {
      selectItem(out, item);
    } else if (node instanceof WriteCondition condition) {
      writeCondition(out, condition);
    } else if (node instanceof Identifier identifier) {
      out.append(identifier(identifier.value()));
    } else if (node instanceof ColumnDef column) {
      columnDef(out, column);
    } else if (node instanceof DataType type) {
      dataType(out, type);
    } else if (node instanceof Assignment assignment) {
      assignment(out, assignment);
    } else if (node instanceof SortItem item) {
      sortItem(out, item);
    } else if (node instanceof SetOperation o) {
      out.append(o.kind().name()).append(o.all() ? " ALL (" : " (");
      query(out, o.query());
      out.append(')');
    } else if (node instanceof Case.When w) {
      expression(out.append("WHEN "), w.condition(), 0);
      expression(out.append(" THEN "), w.result(), 0);
    } else {
      throw new IllegalStateException("unknown node " + node.getClass().getName());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  private static void statement(StringBuilder out, Statement statement) {
    if (statement instanceof CreateTable create) {
      createTable(out, create);
    } else if (statement instanceof DropTable drop) {
      out.append("DROP TABLE ").append(drop.ifExists() ? "IF EXISTS " : "");
      name(out, drop.table());
    } else if (statement instanceof AddColumn add) {
      out.append("ALTER TABLE ");
      name(out, add.table());
      out.append(" ADD COLUMN ");
      columnDef(out, add.column());
    } else if (statement instanceof ShowTables) {
      out.append("SHOW TABLES");
    } else if (statement instanceof DescribeTable describe) {
      out.append("DESCRIBE ");
      name(out, describe.table());
    } else if (statement instanceof Insert insert) {
      insert(out, insert);
    } else if (statement instanceof Update update) {
      update(out, update);
    } else if (statement instanceof Delete delete) {
      out.append("DELETE FROM ");
      name(out, delete.table());
      where(out, delete.where());
      delete.condition().ifPresent(c -> writeCondition(out.append(' '), c));
    } else if (statement instanceof Select select) {
      query(out, select.query());
      select.condition().ifPresent(c -> expression(out.append(" IF "), c, 0));
    } else if (statement instanceof Explain explain) {
      statement(out.append("EXPLAIN "), explain.statement());
    } else {
      throw new IllegalStateException("unknown statement " + statement.getClass().getName());
    }
  }

  private static void createTable(StringBuilder out, CreateTable create) {
    out.append("CREATE TABLE ").append(create.ifNotExists() ? "IF NOT EXISTS " : "");
    name(out, create.table());
    out.append(" (");
    list(out, create.columns(), AstPrinter::columnDef);
    if (!create.primaryKey().isEmpty()) {
      out.append(", PRIMARY KEY (");
      list(out, create.primaryKey(), AstPrinter::name);
      out.append(')');
    }
    out.append(')');
    create
        .engine()
        .ifPresent(e -> out.append(" WITH (ENGINE = '").append(e.sqlName()).append("')"));
  }

  private static void insert(StringBuilder out, Insert insert) {
    out.append(insert.mode().name()).append(" INTO ");
    name(out, insert.table());
    if (!insert.columns().isEmpty()) {
      out.append(" (");
      list(out, insert.columns(), AstPrinter::name);
      out.append(')');
    }
    out.append(' ');
    if (insert.source() instanceof Values values) {
      values(out, values);
    } else {
      query(out, (Query) insert.source());
    }
    if (insert.ifNotExists()) {
      out.append(" IF NOT EXISTS");
    }
  }

  private static void values(StringBuilder out, Values values) {
    out.append("VALUES ");
    list(
        out,
        values.rows(),
        (o, row) -> {
          o.append('(');
          list(o, row, AstPrinter::expression);
          o.append(')');
        });
  }

  private static void update(StringBuilder out, Update update) {
    out.append("UPDATE ");
    name(out, update.table());
    out.append(" SET ");
    list(out, update.assignments(), AstPrinter::assignment);
    where(out, update.where());
    update.condition().ifPresent(c -> writeCondition(out.append(' '), c));
  }

  private static void assignment(StringBuilder out, Assignment assignment) {
    name(out, assignment.column());
    expression(out.append(" = "), assignment.value(), 0);
  }

  private static void writeCondition(StringBuilder out, WriteCondition condition) {
    if (condition instanceof IfExists) {
      out.append("IF EXISTS");
    } else {
      expression(out.append("IF "), ((IfCondition) condition).condition(), 0);
    }
  }

  private static void where(StringBuilder out, Optional<Expression> where) {
    where.ifPresent(w -> expression(out.append(" WHERE "), w, 0));
  }

  private static void columnDef(StringBuilder out, ColumnDef column) {
    name(out, column.name());
    dataType(out.append(' '), column.type());
    if (column.notNull()) {
      out.append(" NOT NULL");
    }
  }

  private static void dataType(StringBuilder out, DataType type) {
    out.append(type.kind().name());
    type.precision().ifPresent(p -> out.append('(').append(p));
    type.scale().ifPresent(s -> out.append(", ").append(s));
    type.precision().ifPresent(p -> out.append(')'));
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  private static void query(StringBuilder out, Query query) {
    compound(out, query, query.setOperations().size());
    if (!query.orderBy().isEmpty()) {
      out.append(" ORDER BY ");
      list(out, query.orderBy(), AstPrinter::sortItem);
    }
    query.limit().ifPresent(l -> expression(out.append(" LIMIT "), l, 0));
    query.offset().ifPresent(o -> expression(out.append(" OFFSET "), o, 0));
  }

  /**
   * The first SELECT of {@code query} and its first {@code n} set operations, which apply left to
   * right: a prefix is parenthesized where it would otherwise bind wrongly (INTERSECT binds more
   * tightly than UNION and EXCEPT), and so is a right operand that is compound or has row clauses.
   */
  private static void compound(StringBuilder out, Query query, int n) {
    if (n == 0) {
      select(out, query);
      return;
    }
    SetOperation last = query.setOperations().get(n - 1);
    boolean wrap =
        last.kind() == SetOperation.Kind.INTERSECT
            && query.setOperations().subList(0, n - 1).stream()
                .anyMatch(o -> o.kind() != SetOperation.Kind.INTERSECT);
    if (wrap) {
      out.append('(');
    }
    compound(out, query, n - 1);
    if (wrap) {
      out.append(')');
    }
    out.append(' ').append(last.kind().name()).append(last.all() ? " ALL " : " ");
    Query right = last.query();
    boolean parens =
        right.isCompound()
            || !right.orderBy().isEmpty()
            || right.limit().isPresent()
            || right.offset().isPresent();
    if (parens) {
      out.append('(');
    }
    query(out, right);
    if (parens) {
      out.append(')');
    }
  }

  private static void select(StringBuilder out, Query query) {
    out.append("SELECT ").append(query.distinct() ? "DISTINCT " : "");
    list(out, query.items(), AstPrinter::selectItem);
    query.from().ifPresent(from -> relation(out.append(" FROM "), from));
    where(out, query.where());
    if (!query.groupBy().isEmpty()) {
      out.append(" GROUP BY ");
      list(out, query.groupBy(), AstPrinter::expression);
    }
    query.having().ifPresent(h -> expression(out.append(" HAVING "), h, 0));
  }

  private static void selectItem(StringBuilder out, SelectItem item) {
    if (item instanceof AllColumns all) {
      all.table().ifPresent(t -> name(out, t).append('.'));
      out.append('*');
    } else {
      SingleColumn single = (SingleColumn) item;
      expression(out, single.expression(), 0);
      alias(out, single.alias());
    }
  }

  private static void sortItem(StringBuilder out, SortItem item) {
    expression(out, item.expression(), 0);
    if (item.descending()) {
      out.append(" DESC");
    }
    item.nullsFirst().ifPresent(first -> out.append(first ? " NULLS FIRST" : " NULLS LAST"));
  }

  private static void relation(StringBuilder out, Relation relation) {
    if (relation instanceof TableRef table) {
      name(out, table.name());
      alias(out, table.alias());
    } else if (relation instanceof DerivedTable derived) {
      out.append('(');
      query(out, derived.query());
      out.append(')');
      alias(out, derived.alias());
    } else {
      Join join = (Join) relation;
      relation(out, join.left());
      out.append(
          switch (join.type()) {
            case INNER -> " JOIN ";
            case LEFT -> " LEFT JOIN ";
            case RIGHT -> " RIGHT JOIN ";
            case FULL -> " FULL JOIN ";
            case CROSS -> " CROSS JOIN ";
          });
      // Joins associate to the left, so a join on the right needs parentheses.
      if (join.right() instanceof Join) {
        relation(out.append('('), join.right());
        out.append(')');
      } else {
        relation(out, join.right());
      }
      join.on().ifPresent(on -> expression(out.append(" ON "), on, 0));
    }
  }

  private static void alias(StringBuilder out, Optional<Identifier> alias) {
    alias.ifPresent(a -> name(out.append(" AS "), a));
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  private static void expression(StringBuilder out, Expression expression) {
    expression(out, expression, 0);
  }

  /** Prints an expression, parenthesized if it binds more loosely than {@code minPrecedence}. */
  private static void expression(StringBuilder out, Expression e, int minPrecedence) {
    boolean parens = precedence(e) < minPrecedence;
    if (parens) {
      out.append('(');
    }
    if (e instanceof Literal literal) {
      literal(out, literal);
    } else if (e instanceof Parameter) {
      out.append('?');
    } else if (e instanceof ColumnRef column) {
      column.table().ifPresent(t -> name(out, t).append('.'));
      name(out, column.column());
    } else if (e instanceof VersionRef version) {
      version.table().ifPresent(t -> name(out, t).append('.'));
      out.append(VersionRef.NAME);
    } else if (e instanceof Unary unary) {
      unary(out, unary);
    } else if (e instanceof Binary binary) {
      binary(out, binary);
    } else if (e instanceof IsNull isNull) {
      expression(out, isNull.operand(), CONCAT);
      out.append(isNull.negated() ? " IS NOT NULL" : " IS NULL");
    } else if (e instanceof InList in) {
      expression(out, in.operand(), CONCAT);
      out.append(in.negated() ? " NOT IN (" : " IN (");
      list(out, in.values(), AstPrinter::expression);
      out.append(')');
    } else if (e instanceof InSubquery in) {
      expression(out, in.operand(), CONCAT);
      out.append(in.negated() ? " NOT IN (" : " IN (");
      query(out, in.query());
      out.append(')');
    } else if (e instanceof Exists exists) {
      query(out.append("EXISTS ("), exists.query());
      out.append(')');
    } else if (e instanceof ScalarSubquery sub) {
      query(out.append('('), sub.query());
      out.append(')');
    } else if (e instanceof Between between) {
      expression(out, between.operand(), CONCAT);
      out.append(between.negated() ? " NOT BETWEEN " : " BETWEEN ");
      expression(out, between.low(), CONCAT);
      out.append(" AND ");
      expression(out, between.high(), CONCAT);
    } else if (e instanceof Like like) {
      expression(out, like.operand(), CONCAT);
      out.append(like.negated() ? " NOT LIKE " : " LIKE ");
      expression(out, like.pattern(), CONCAT);
      like.escape().ifPresent(esc -> expression(out.append(" ESCAPE "), esc, CONCAT));
    } else if (e instanceof Cast cast) {
      expression(out.append("CAST("), cast.operand(), 0);
      dataType(out.append(" AS "), cast.type());
      out.append(')');
    } else if (e instanceof Case c) {
      out.append("CASE");
      c.operand().ifPresent(o -> expression(out.append(' '), o, 0));
      for (Case.When w : c.whens()) {
        expression(out.append(" WHEN "), w.condition(), 0);
        expression(out.append(" THEN "), w.result(), 0);
      }
      c.otherwise().ifPresent(o -> expression(out.append(" ELSE "), o, 0));
      out.append(" END");
    } else if (e instanceof FunctionCall call) {
      name(out, call.name()).append('(').append(call.distinct() ? "DISTINCT " : "");
      list(out, call.arguments(), AstPrinter::expression);
      out.append(')');
    } else if (e instanceof CountStar) {
      out.append("COUNT(*)");
    } else {
      throw new IllegalStateException("unknown expression " + e.getClass().getName());
    }
    if (parens) {
      out.append(')');
    }
  }

  private static void unary(StringBuilder out, Unary unary) {
    if (unary.operator() == Unary.Operator.NOT) {
      expression(out.append("NOT "), unary.operand(), NOT);
      return;
    }
    // "-5" would read back as the literal -5 and "- -x" could become a "--" comment, so anything
    // but a plain primary is parenthesized.
    Expression operand = unary.operand();
    boolean bare = precedence(operand) == PRIMARY && !isNumber(operand);
    out.append('-');
    if (bare) {
      expression(out, operand, 0);
    } else {
      expression(out.append('('), operand, 0);
      out.append(')');
    }
  }

  private static void binary(StringBuilder out, Binary binary) {
    int precedence = precedence(binary);
    if (binary.operator().isComparison()) {
      // Comparisons do not chain: both sides are value expressions.
      expression(out, binary.left(), CONCAT);
      out.append(' ').append(binary.operator().sql()).append(' ');
      expression(out, binary.right(), CONCAT);
    } else {
      // Left-associative: an equal-precedence operation on the right needs parentheses.
      expression(out, binary.left(), precedence);
      out.append(' ').append(binary.operator().sql()).append(' ');
      expression(out, binary.right(), precedence + 1);
    }
  }

  private static void literal(StringBuilder out, Literal literal) {
    if (literal instanceof NullLiteral) {
      out.append("NULL");
    } else if (literal instanceof BooleanLiteral b) {
      out.append(b.value() ? "TRUE" : "FALSE");
    } else if (literal instanceof IntegerLiteral i) {
      out.append(i.value());
    } else if (literal instanceof DecimalLiteral d) {
      // A trailing point keeps "1." a decimal: "1" would read back as an integer.
      BigDecimal value = d.value();
      out.append(value.toPlainString()).append(value.scale() == 0 ? "." : "");
    } else if (literal instanceof DoubleLiteral d) {
      // Always with an exponent: "1.5" would read back as a decimal.
      String text = Double.toString(d.value());
      out.append(text).append(text.contains("E") ? "" : "E0");
    } else if (literal instanceof StringLiteral s) {
      string(out, s.value());
    } else if (literal instanceof BinaryLiteral b) {
      out.append("X'").append(b.hex()).append('\'');
    } else {
      TimestampLiteral t = (TimestampLiteral) literal;
      string(out.append("TIMESTAMP "), TIMESTAMP_FORMAT.format(t.value()));
    }
  }

  private static void string(StringBuilder out, String value) {
    out.append('\'').append(value.replace("'", "''")).append('\'');
  }

  private static boolean isNumber(Expression e) {
    return e instanceof IntegerLiteral || e instanceof DecimalLiteral || e instanceof DoubleLiteral;
  }

  private static int precedence(Expression e) {
    if (e instanceof Binary binary) {
      return switch (binary.operator()) {
        case OR -> OR;
        case AND -> AND;
        case EQUAL, NOT_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
            PREDICATE;
        case CONCAT -> CONCAT;
        case ADD, SUBTRACT -> ADDITIVE;
        case MULTIPLY, DIVIDE, MODULUS -> MULTIPLICATIVE;
      };
    }
    if (e instanceof Unary unary) {
      return unary.operator() == Unary.Operator.NOT ? NOT : NEGATE;
    }
    if (e instanceof IsNull
        || e instanceof InList
        || e instanceof InSubquery
        || e instanceof Between
        || e instanceof Like) {
      return PREDICATE;
    }
    return PRIMARY;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static StringBuilder name(StringBuilder out, Identifier identifier) {
    return out.append(identifier(identifier.value()));
  }

  private interface Printer<T> {
    void print(StringBuilder out, T item);
  }

  private static <T> void list(StringBuilder out, List<T> items, Printer<T> printer) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      printer.print(out, items.get(i));
    }
  }
}
