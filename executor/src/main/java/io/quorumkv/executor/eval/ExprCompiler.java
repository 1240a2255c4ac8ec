package io.quorumkv.executor.eval;

import io.quorumkv.parser.ast.Between;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.BinaryLiteral;
import io.quorumkv.parser.ast.BooleanLiteral;
import io.quorumkv.parser.ast.Case;
import io.quorumkv.parser.ast.Cast;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.DecimalLiteral;
import io.quorumkv.parser.ast.DoubleLiteral;
import io.quorumkv.parser.ast.Exists;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.FunctionCall;
import io.quorumkv.parser.ast.InList;
import io.quorumkv.parser.ast.InSubquery;
import io.quorumkv.parser.ast.IntegerLiteral;
import io.quorumkv.parser.ast.IsNull;
import io.quorumkv.parser.ast.Like;
import io.quorumkv.parser.ast.NullLiteral;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.ScalarSubquery;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.StringLiteral;
import io.quorumkv.parser.ast.TimestampLiteral;
import io.quorumkv.parser.ast.Unary;
import io.quorumkv.parser.ast.VersionRef;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.ColumnType.Kind;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.sql.FunctionTable;
import io.quorumkv.planner.sql.QueryTranslator;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Compiles AST expressions of write statements (conditions, SET values, VALUES rows, key values)
 * into {@link Expr}s over one row of one table, checking names and types up front so that nothing
 * is written when a statement is wrong. Infers the types of {@code ?} parameters from their
 * context. Evaluation follows SQL: three-valued logic for AND/OR/NOT, NULL in, NULL out for
 * operators, errors (not wrap-around) on overflow.
 *
 * <p>One compiler per statement; not thread-safe. The compiled {@link Expr}s are.
 */
public final class ExprCompiler {

  private final TableDef table;
  private final ParameterTypes params;

  /**
   * A compiler for expressions over rows of {@code table}, or over no row when it is null (then
   * column references are errors).
   */
  public ExprCompiler(TableDef table, ParameterTypes params) {
    this.table = table;
    this.params = Objects.requireNonNull(params, "params");
  }

  /** Compiles {@code e}; {@code hint} types a bare {@code ?} (may be null). */
  public Expr compile(Expression e, ColumnType hint) {
    if (e instanceof NullLiteral) {
      return constant(null, hint);
    } else if (e instanceof BooleanLiteral b) {
      return constant(b.value(), ColumnType.BOOLEAN);
    } else if (e instanceof IntegerLiteral i) {
      return i.value() >= Integer.MIN_VALUE && i.value() <= Integer.MAX_VALUE
          ? constant((int) i.value(), ColumnType.INTEGER)
          : constant(i.value(), ColumnType.BIGINT);
    } else if (e instanceof DecimalLiteral d) {
      BigDecimal v = d.value();
      return constant(
          v, ColumnType.decimal(Math.max(Math.max(v.precision(), v.scale()), 1), v.scale()));
    } else if (e instanceof DoubleLiteral d) {
      return constant(d.value(), ColumnType.DOUBLE);
    } else if (e instanceof StringLiteral s) {
      return stringLiteral(s, hint);
    } else if (e instanceof BinaryLiteral b) {
      return constant(b.value(), ColumnType.VARBINARY);
    } else if (e instanceof TimestampLiteral t) {
      return constant(t.value().toInstant(ZoneOffset.UTC).toEpochMilli(), ColumnType.TIMESTAMP);
    } else if (e instanceof Parameter p) {
      return parameter(p, hint);
    } else if (e instanceof ColumnRef c) {
      return column(c);
    } else if (e instanceof VersionRef v) {
      return version(v);
    } else if (e instanceof Unary u) {
      return unary(u, hint);
    } else if (e instanceof Binary b) {
      return binary(b, hint);
    } else if (e instanceof IsNull n) {
      return isNull(n);
    } else if (e instanceof InList in) {
      return inList(in);
    } else if (e instanceof Between b) {
      return between(b);
    } else if (e instanceof Like l) {
      return like(l);
    } else if (e instanceof Cast c) {
      return cast(c);
    } else if (e instanceof FunctionCall f) {
      return function(f, hint);
    } else if (e instanceof Case c) {
      return caseExpression(c, hint);
    } else if (e instanceof InSubquery || e instanceof Exists || e instanceof ScalarSubquery) {
      throw QueryException.at(
          e.pos(),
          QueryException.FEATURE_NOT_SUPPORTED,
          "subqueries are not supported in SET, IF conditions or VALUES yet; WHERE and"
              + " INSERT ... SELECT take them");
    }
    throw QueryException.at(
        e.pos(), QueryException.INVALID_STATEMENT, "aggregate functions are not allowed here");
  }

  /** Whether {@code e} contains a subquery (IN, EXISTS or scalar), which this compiler rejects. */
  public static boolean hasSubquery(Expression e) {
    if (e instanceof InSubquery || e instanceof Exists || e instanceof ScalarSubquery) {
      return true;
    } else if (e instanceof Unary u) {
      return hasSubquery(u.operand());
    } else if (e instanceof Binary b) {
      return hasSubquery(b.left()) || hasSubquery(b.right());
    } else if (e instanceof IsNull n) {
      return hasSubquery(n.operand());
    } else if (e instanceof InList in) {
      return hasSubquery(in.operand()) || in.values().stream().anyMatch(ExprCompiler::hasSubquery);
    } else if (e instanceof Between b) {
      return hasSubquery(b.operand()) || hasSubquery(b.low()) || hasSubquery(b.high());
    } else if (e instanceof Like l) {
      return hasSubquery(l.operand())
          || hasSubquery(l.pattern())
          || l.escape().map(ExprCompiler::hasSubquery).orElse(false);
    } else if (e instanceof Cast c) {
      return hasSubquery(c.operand());
    } else if (e instanceof FunctionCall f) {
      return f.arguments().stream().anyMatch(ExprCompiler::hasSubquery);
    } else if (e instanceof Case c) {
      return c.operand().map(ExprCompiler::hasSubquery).orElse(false)
          || c.otherwise().map(ExprCompiler::hasSubquery).orElse(false)
          || c.whens().stream()
              .anyMatch(w -> hasSubquery(w.condition()) || hasSubquery(w.result()));
    }
    return false;
  }

  /** Compiles a condition, which must be BOOLEAN. */
  public Expr condition(Expression e) {
    Expr c = compile(e, ColumnType.BOOLEAN);
    requireBoolean(c, e.pos(), "a condition");
    return c;
  }

  private static Expr constant(Object value, ColumnType type) {
    return new Expr(type, env -> value, true);
  }

  private static Expr stringLiteral(StringLiteral s, ColumnType hint) {
    // A string literal where a TIMESTAMP is expected reads as one, as SQL's implicit conversion of
    // literals does: WHERE created > '2024-01-01 00:00:00'.
    if (hint != null && hint.kind() == Kind.TIMESTAMP) {
      Object v = SqlValues.cast(s.value(), ColumnType.varchar(-1), ColumnType.TIMESTAMP);
      return constant(v, ColumnType.TIMESTAMP);
    }
    return constant(s.value(), ColumnType.varchar(-1));
  }

  private Expr parameter(Parameter p, ColumnType hint) {
    params.seen(p.index(), p.pos());
    if (hint != null) {
      params.infer(p.index(), hint);
    }
    ColumnType type = params.type(p.index());
    int i = p.index() - 1;
    return new Expr(type, env -> env.params()[i], true);
  }

  private Expr column(ColumnRef c) {
    if (table == null) {
      throw QueryException.at(
          c.pos(),
          QueryException.INVALID_STATEMENT,
          "column " + c.column().value() + " cannot be used here; only constant values can");
    }
    checkQualifier(c.table().map(t -> t.value()).orElse(null), c.pos());
    int index = table.columnIndex(c.column().value());
    if (index < 0) {
      throw QueryException.at(
          c.pos(),
          QueryException.UNDEFINED_COLUMN,
          "column " + c.column().value() + " does not exist in table " + table.name());
    }
    ColumnType type = table.columns().get(index).type();
    return new Expr(type, env -> env.row()[index], false);
  }

  private Expr version(VersionRef v) {
    if (table == null) {
      throw QueryException.at(
          v.pos(), QueryException.INVALID_STATEMENT, "_VERSION cannot be used here");
    }
    checkQualifier(v.table().map(t -> t.value()).orElse(null), v.pos());
    return new Expr(ColumnType.BIGINT, env -> env.version(), false);
  }

  private void checkQualifier(String qualifier, SourcePos pos) {
    if (qualifier != null && !qualifier.equals(table.name())) {
      throw QueryException.at(
          pos,
          QueryException.UNDEFINED_TABLE,
          "table " + qualifier + " is not in this statement; it writes " + table.name());
    }
  }

  private Expr unary(Unary u, ColumnType hint) {
    if (u.operator() == Unary.Operator.NOT) {
      Expr a = compile(u.operand(), ColumnType.BOOLEAN);
      requireBoolean(a, u.operand().pos(), "NOT's operand");
      return new Expr(
          ColumnType.BOOLEAN,
          env -> {
            Object v = a.evaluate(env);
            return v == null ? null : !(Boolean) v;
          },
          a.rowFree());
    }
    Expr a = compile(u.operand(), hint);
    if (a.type() != null && !SqlValues.isNumeric(a.type())) {
      throw mismatch(u.pos(), "cannot negate a value of type " + a.type());
    }
    ColumnType type = a.type();
    return new Expr(
        type,
        env -> {
          Object v = a.evaluate(env);
          return v == null ? null : SqlValues.negate(v, type);
        },
        a.rowFree());
  }

  private Expr binary(Binary b, ColumnType hint) {
    switch (b.operator()) {
      case AND, OR -> {
        Expr l = compile(b.left(), ColumnType.BOOLEAN);
        Expr r = compile(b.right(), ColumnType.BOOLEAN);
        requireBoolean(l, b.left().pos(), b.operator() + "'s operand");
        requireBoolean(r, b.right().pos(), b.operator() + "'s operand");
        boolean and = b.operator() == Binary.Operator.AND;
        return new Expr(
            ColumnType.BOOLEAN,
            env -> {
              Object x = l.evaluate(env);
              // Short-circuit only on the deciding value; NULL still needs the other side.
              if (x != null && (Boolean) x != and) {
                return !and;
              }
              Object y = r.evaluate(env);
              if (y != null && (Boolean) y != and) {
                return !and;
              }
              return x == null || y == null ? null : and;
            },
            l.rowFree() && r.rowFree());
      }
      case EQUAL, NOT_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
        Expr[] sides = pair(b.left(), b.right(), null);
        Expr l = sides[0];
        Expr r = sides[1];
        if (!SqlValues.comparable(l.type(), r.type())) {
          throw mismatch(b.pos(), "cannot compare " + l.type() + " with " + r.type());
        }
        Binary.Operator op = b.operator();
        return new Expr(
            ColumnType.BOOLEAN,
            env -> {
              Object x = l.evaluate(env);
              Object y = r.evaluate(env);
              if (x == null || y == null) {
                return null;
              }
              int c = SqlValues.compare(x, y);
              return switch (op) {
                case EQUAL -> c == 0;
                case NOT_EQUAL -> c != 0;
                case LESS_THAN -> c < 0;
                case LESS_THAN_OR_EQUAL -> c <= 0;
                case GREATER_THAN -> c > 0;
                default -> c >= 0;
              };
            },
            l.rowFree() && r.rowFree());
      }
      case CONCAT -> {
        Expr l = compile(b.left(), ColumnType.varchar(-1));
        Expr r = compile(b.right(), ColumnType.varchar(-1));
        ColumnType lt = l.type();
        ColumnType rt = r.type();
        return new Expr(
            ColumnType.varchar(-1),
            env -> {
              Object x = l.evaluate(env);
              Object y = r.evaluate(env);
              return x == null || y == null ? null : SqlValues.text(x, lt) + SqlValues.text(y, rt);
            },
            l.rowFree() && r.rowFree());
      }
      default -> {
        Expr[] sides = pair(b.left(), b.right(), hint);
        Expr l = sides[0];
        Expr r = sides[1];
        for (Expr side : sides) {
          if (side.type() != null && !SqlValues.isNumeric(side.type())) {
            throw mismatch(
                b.pos(), "operator " + b.operator().sql() + " needs numbers, not " + side.type());
          }
        }
        char op = b.operator().sql().charAt(0);
        ColumnType type = SqlValues.arithmeticType(op, l.type(), r.type());
        return new Expr(
            type,
            env -> {
              Object x = l.evaluate(env);
              Object y = r.evaluate(env);
              return x == null || y == null ? null : SqlValues.arithmetic(op, x, y, type);
            },
            l.rowFree() && r.rowFree());
      }
    }
  }

  /**
   * Compiles two operands that meet in one operator: a side that is a bare parameter (or NULL)
   * takes the type of the other side.
   */
  private Expr[] pair(Expression left, Expression right, ColumnType hint) {
    boolean leftBare = isBare(left);
    boolean rightBare = isBare(right);
    Expr l;
    Expr r;
    if (leftBare && !rightBare) {
      r = compile(right, hint);
      l = compile(left, r.type() != null ? r.type() : hint);
    } else {
      l = compile(left, hint);
      r = compile(right, l.type() != null ? l.type() : hint);
    }
    return new Expr[] {l, r};
  }

  private static boolean isBare(Expression e) {
    return e instanceof Parameter || e instanceof NullLiteral || e instanceof StringLiteral;
  }

  private Expr isNull(IsNull n) {
    Expr a = compile(n.operand(), null);
    boolean negated = n.negated();
    return new Expr(ColumnType.BOOLEAN, env -> (a.evaluate(env) == null) != negated, a.rowFree());
  }

  private Expr inList(InList in) {
    Expr a = compile(in.operand(), null);
    List<Expr> values = new ArrayList<>();
    for (Expression v : in.values()) {
      Expr c = compile(v, a.type());
      if (!SqlValues.comparable(a.type(), c.type())) {
        throw mismatch(v.pos(), "cannot compare " + a.type() + " with " + c.type());
      }
      values.add(c);
    }
    boolean negated = in.negated();
    boolean rowFree = a.rowFree() && values.stream().allMatch(Expr::rowFree);
    return new Expr(
        ColumnType.BOOLEAN,
        env -> {
          Object x = a.evaluate(env);
          if (x == null) {
            return null;
          }
          boolean sawNull = false;
          for (Expr v : values) {
            Object y = v.evaluate(env);
            if (y == null) {
              sawNull = true;
            } else if (SqlValues.compare(x, y) == 0) {
              return !negated;
            }
          }
          return sawNull ? null : negated;
        },
        rowFree);
  }

  private Expr between(Between b) {
    Expr a = compile(b.operand(), null);
    Expr lo = compile(b.low(), a.type());
    Expr hi = compile(b.high(), a.type());
    for (Expr bound : List.of(lo, hi)) {
      if (!SqlValues.comparable(a.type(), bound.type())) {
        throw mismatch(b.pos(), "cannot compare " + a.type() + " with " + bound.type());
      }
    }
    boolean negated = b.negated();
    return new Expr(
        ColumnType.BOOLEAN,
        env -> {
          Object x = a.evaluate(env);
          Object l = lo.evaluate(env);
          Object h = hi.evaluate(env);
          Boolean ge = x == null || l == null ? null : SqlValues.compare(x, l) >= 0;
          Boolean le = x == null || h == null ? null : SqlValues.compare(x, h) <= 0;
          Boolean both;
          if (Boolean.FALSE.equals(ge) || Boolean.FALSE.equals(le)) {
            both = false;
          } else if (ge == null || le == null) {
            both = null;
          } else {
            both = true;
          }
          return both == null ? null : both != negated;
        },
        a.rowFree() && lo.rowFree() && hi.rowFree());
  }

  private Expr like(Like l) {
    Expr a = compile(l.operand(), ColumnType.varchar(-1));
    Expr p = compile(l.pattern(), ColumnType.varchar(-1));
    Expr e = l.escape().map(x -> compile(x, ColumnType.varchar(-1))).orElse(null);
    for (Expr s : e == null ? List.of(a, p) : List.of(a, p, e)) {
      if (s.type() != null && s.type().kind() != Kind.VARCHAR) {
        throw mismatch(l.pos(), "LIKE needs VARCHAR operands, not " + s.type());
      }
    }
    boolean negated = l.negated();
    // A literal pattern is translated once; anything else per evaluation.
    Pattern fixed =
        l.pattern() instanceof StringLiteral s
                && (l.escape().isEmpty() || l.escape().get() instanceof StringLiteral)
            ? SqlValues.likePattern(
                s.value(), l.escape().map(x -> ((StringLiteral) x).value()).orElse(null))
            : null;
    return new Expr(
        ColumnType.BOOLEAN,
        env -> {
          Object x = a.evaluate(env);
          Object pat = p.evaluate(env);
          Object esc = e == null ? null : e.evaluate(env);
          if (x == null || pat == null || (e != null && esc == null)) {
            return null;
          }
          Pattern re = fixed != null ? fixed : SqlValues.likePattern((String) pat, (String) esc);
          return re.matcher((String) x).matches() != negated;
        },
        a.rowFree() && p.rowFree() && (e == null || e.rowFree()));
  }

  private Expr cast(Cast c) {
    ColumnType to = QueryTranslator.columnType(c.type());
    Expr a = compile(c.operand(), to);
    ColumnType from = a.type();
    return new Expr(
        to,
        env -> {
          Object v = a.evaluate(env);
          return v == null ? null : SqlValues.cast(v, from, to);
        },
        a.rowFree());
  }

  /**
   * CASE: the result of the first branch whose condition holds (searched) or whose value equals the
   * operand (simple; NULL equals nothing), else ELSE or NULL. Only the chosen result is computed.
   * The results take their common type; a bare parameter, NULL or string among them takes the
   * others' type.
   */
  private Expr caseExpression(Case c, ColumnType hint) {
    Expr operand = c.operand().map(o -> compile(o, null)).orElse(null);
    List<Expr> conditions = new ArrayList<>();
    for (Case.When w : c.whens()) {
      if (operand != null) {
        Expr v = compile(w.condition(), operand.type());
        if (!SqlValues.comparable(operand.type(), v.type())) {
          throw mismatch(
              w.condition().pos(), "cannot compare " + operand.type() + " with " + v.type());
        }
        conditions.add(v);
      } else {
        Expr condition = compile(w.condition(), ColumnType.BOOLEAN);
        requireBoolean(condition, w.condition().pos(), "a WHEN condition");
        conditions.add(condition);
      }
    }
    List<Expression> branches = new ArrayList<>();
    c.whens().forEach(w -> branches.add(w.result()));
    c.otherwise().ifPresent(branches::add);
    Expr[] results = new Expr[branches.size()];
    ColumnType type = hint;
    // Typed results first, so that the bare ones can take their type.
    for (boolean bare : new boolean[] {false, true}) {
      for (int i = 0; i < results.length; i++) {
        Expression b = branches.get(i);
        if (isBare(b) != bare) {
          continue;
        }
        Expr x = compile(b, type);
        if (type != null && x.type() != null && !SqlValues.comparable(type, x.type())) {
          throw mismatch(b.pos(), "CASE mixes " + type + " and " + x.type());
        }
        type = commonType(type, x.type());
        results[i] = x;
      }
    }
    ColumnType t = type;
    Expr otherwise = c.otherwise().isPresent() ? results[results.length - 1] : null;
    boolean rowFree =
        (operand == null || operand.rowFree())
            && conditions.stream().allMatch(Expr::rowFree)
            && Arrays.stream(results).allMatch(Expr::rowFree);
    return new Expr(
        t,
        env -> {
          Object x = operand == null ? null : operand.evaluate(env);
          for (int i = 0; i < conditions.size(); i++) {
            boolean taken;
            if (operand == null) {
              taken = conditions.get(i).holds(env);
            } else {
              Object y = x == null ? null : conditions.get(i).evaluate(env);
              taken = y != null && SqlValues.compare(x, y) == 0;
            }
            if (taken) {
              return coerce(results[i], t, env);
            }
          }
          return otherwise == null ? null : coerce(otherwise, t, env);
        },
        rowFree);
  }

  private static Object coerce(Expr e, ColumnType to, Env env) {
    Object v = e.evaluate(env);
    return v == null || to == null || to.equals(e.type()) ? v : to.coerce(v);
  }

  /** The type that holds values of both {@code a} and {@code b} (comparable types). */
  private static ColumnType commonType(ColumnType a, ColumnType b) {
    if (a == null || b == null || a.equals(b)) {
      return a == null ? b : a;
    }
    if (SqlValues.isNumeric(a) && SqlValues.isNumeric(b)) {
      return SqlValues.arithmeticType('+', a, b);
    }
    return switch (a.kind()) {
      case VARCHAR -> ColumnType.varchar(-1);
      case VARBINARY -> ColumnType.varbinary(-1);
      default -> a;
    };
  }

  /** A function of the {@link FunctionTable}, evaluated by its Java implementation. */
  private Expr tableFunction(FunctionCall f, ColumnType hint) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    List<Expr> args = new ArrayList<>();
    for (int i = 0; i < f.arguments().size(); i++) {
      Expression arg = f.arguments().get(i);
      args.add(
          compile(
              arg,
              FunctionTable.parameterHint(
                  name, i, hint, arg instanceof Parameter || arg instanceof NullLiteral)));
    }
    FunctionTable.defaultSecondArgument(f)
        .ifPresent(d -> args.add(constant(d, ColumnType.varchar(1))));
    FunctionTable.Resolved r = FunctionTable.resolve(f, args.stream().map(Expr::type).toList());
    List<ColumnType> params = r.parameters();
    return new Expr(
        r.result(),
        env -> {
          Object[] values = new Object[args.size()];
          for (int i = 0; i < values.length; i++) {
            Object v = args.get(i).evaluate(env);
            if (v == null) {
              return null; // every function of the table is NULL for a NULL argument
            }
            values[i] = params.get(i).equals(args.get(i).type()) ? v : params.get(i).coerce(v);
          }
          return r.invoke(values);
        },
        args.stream().allMatch(Expr::rowFree));
  }

  private Expr function(FunctionCall f, ColumnType hint) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    if (FunctionTable.has(name)) {
      return tableFunction(f, hint);
    }
    Optional<Expression> operator = FunctionTable.asOperator(f);
    if (operator.isPresent()) {
      return compile(operator.get(), hint);
    }
    List<Expression> args = f.arguments();
    switch (name) {
      case "COUNT", "SUM", "AVG", "MIN", "MAX" ->
          throw QueryException.at(
              f.pos(),
              QueryException.INVALID_STATEMENT,
              "aggregate function " + name + " is not allowed here");
      case "COALESCE" -> {
        if (args.isEmpty()) {
          arity(f, 1);
        }
        List<Expr> compiled = new ArrayList<>();
        ColumnType type = hint;
        for (Expression arg : args) {
          Expr x = compile(arg, type);
          if (type == null) {
            type = x.type();
          } else if (x.type() != null && !SqlValues.comparable(type, x.type())) {
            throw mismatch(arg.pos(), "COALESCE mixes " + type + " and " + x.type());
          }
          compiled.add(x);
        }
        ColumnType t = type;
        return new Expr(
            t,
            env -> {
              for (Expr x : compiled) {
                Object v = x.evaluate(env);
                if (v != null) {
                  return t != null && x.type() != null && !x.type().equals(t) ? t.coerce(v) : v;
                }
              }
              return null;
            },
            compiled.stream().allMatch(Expr::rowFree));
      }
      default ->
          throw QueryException.at(
              f.pos(), QueryException.UNDEFINED_FUNCTION, "unknown function " + name);
    }
  }

  private static void arity(FunctionCall f, int n) {
    if (f.arguments().size() != n || f.distinct()) {
      throw QueryException.at(
          f.pos(),
          QueryException.UNDEFINED_FUNCTION,
          f.name().value() + " takes " + n + " argument" + (n == 1 ? "" : "s"));
    }
  }

  private static void requireBoolean(Expr e, SourcePos pos, String what) {
    if (e.type() != null && e.type().kind() != Kind.BOOLEAN) {
      throw mismatch(pos, what + " must be BOOLEAN, not " + e.type());
    }
  }

  private static QueryException mismatch(SourcePos pos, String message) {
    return QueryException.at(pos, QueryException.DATATYPE_MISMATCH, message);
  }
}
