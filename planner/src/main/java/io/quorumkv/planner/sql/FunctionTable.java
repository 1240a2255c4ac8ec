package io.quorumkv.planner.sql;

import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.FunctionCall;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.ColumnType.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scalar functions whose semantics are defined once, as static methods of {@link QkvFunctions},
 * for queries (Calcite's generated code calls the method) and writes (the write path's evaluation
 * invokes it) alike: {@code ABS}, {@code UPPER}, {@code LOWER}, {@code CHAR_LENGTH}/{@code LENGTH},
 * {@code SUBSTRING}, {@code POSITION}, {@code BTRIM}/{@code TRIM}, {@code LTRIM}, {@code RTRIM},
 * {@code REPLACE}, {@code ROUND} and {@code POWER}, with PostgreSQL's semantics; {@code MOD} is the
 * {@code %} operator ({@link #asOperator}). A caller translates the arguments, {@link #resolve
 * resolves} the call for their types, converts each argument to {@link Resolved#parameters()} and
 * calls {@link Resolved#method()} (or uses the first argument itself when that is null: ROUND of an
 * integer). Stateless and thread-safe.
 */
public final class FunctionTable {

  private static final ColumnType TEXT = ColumnType.varchar(-1);

  /**
   * A call resolved for its argument types.
   *
   * @param parameters the types the arguments are converted to, one per argument
   * @param result the type of the result
   * @param method the implementation, a static method of {@link QkvFunctions} whose parameters are
   *     the Java classes of {@code parameters}; null when the result is the first argument
   */
  public record Resolved(List<ColumnType> parameters, ColumnType result, Method method) {

    /**
     * Calls the implementation with canonical values of {@link #parameters()}.
     *
     * @throws QueryException for bad values (negative SUBSTRING length, undefined power)
     */
    public Object invoke(Object[] args) {
      if (method == null) {
        return args[0];
      }
      try {
        return method.invoke(null, args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Names of the table's functions (upper case) and their argument counts. */
  private static final Map<String, int[]> ARITY =
      Map.ofEntries(
          Map.entry("ABS", new int[] {1, 1}),
          Map.entry("UPPER", new int[] {1, 1}),
          Map.entry("LOWER", new int[] {1, 1}),
          Map.entry("CHAR_LENGTH", new int[] {1, 1}),
          Map.entry("CHARACTER_LENGTH", new int[] {1, 1}),
          Map.entry("LENGTH", new int[] {1, 1}),
          Map.entry("SUBSTRING", new int[] {2, 3}),
          Map.entry("POSITION", new int[] {2, 2}),
          Map.entry("BTRIM", new int[] {1, 2}),
          Map.entry("TRIM", new int[] {1, 2}),
          Map.entry("LTRIM", new int[] {1, 2}),
          Map.entry("RTRIM", new int[] {1, 2}),
          Map.entry("REPLACE", new int[] {3, 3}),
          Map.entry("ROUND", new int[] {1, 2}),
          Map.entry("POWER", new int[] {2, 2}));

  private FunctionTable() {}

  /** Whether {@code name} (any case) is a function of this table. */
  public static boolean has(String name) {
    return ARITY.containsKey(name.toUpperCase(Locale.ROOT));
  }

  /**
   * The type the argument at {@code index} is translated for, given what the call meets ({@code
   * hint}, may be null) and whether the argument is bare ({@code ?} or NULL, which take the type).
   * Null where the argument keeps its own type: ROUND's value, whose type is the result's.
   */
  public static ColumnType parameterHint(String name, int index, ColumnType hint, boolean bare) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "SUBSTRING" -> index == 0 ? TEXT : ColumnType.INTEGER;
      case "ABS" -> !bare ? null : hint != null && isNumeric(hint) ? hint : ColumnType.DOUBLE;
      case "ROUND" ->
          index == 1
              ? ColumnType.INTEGER
              : !bare ? null : hint != null && isNumeric(hint) ? hint : ColumnType.decimal(38, 6);
      case "POWER" -> ColumnType.DOUBLE;
      default -> TEXT;
    };
  }

  /**
   * Resolves a call of this table's function {@code f} for its arguments' types (a null type is an
   * untyped NULL).
   *
   * @throws QueryException 42883 for a wrong number of arguments, 42804 for arguments of the wrong
   *     type
   */
  public static Resolved resolve(FunctionCall f, List<ColumnType> args) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    int[] arity = ARITY.get(name);
    if (arity == null) {
      throw new IllegalArgumentException("not in the function table: " + name);
    }
    if (f.distinct() || args.size() < arity[0] || args.size() > arity[1]) {
      throw QueryException.at(
          f.pos(),
          QueryException.UNDEFINED_FUNCTION,
          name
              + " takes "
              + (arity[0] == arity[1] ? arity[0] : arity[0] + " or " + arity[1])
              + " arguments");
    }
    int n = args.size();
    return switch (name) {
      case "UPPER", "LOWER" -> call(f, args, List.of(TEXT), TEXT, name.toLowerCase(Locale.ROOT));
      case "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH" ->
          call(f, args, List.of(TEXT), ColumnType.INTEGER, "charLength");
      case "ABS" -> abs(f, args);
      case "SUBSTRING" ->
          n == 2
              ? call(f, args, List.of(TEXT, ColumnType.INTEGER), TEXT, "substring")
              : call(
                  f,
                  args,
                  List.of(TEXT, ColumnType.INTEGER, ColumnType.INTEGER),
                  TEXT,
                  "substring");
      case "POSITION" -> call(f, args, List.of(TEXT, TEXT), ColumnType.INTEGER, "position");
      case "BTRIM", "TRIM", "LTRIM", "RTRIM" -> {
        String method = name.equals("TRIM") ? "btrim" : name.toLowerCase(Locale.ROOT);
        // One argument trims spaces; the caller passes ' ' as the second.
        yield call(f, args, List.of(TEXT, TEXT), TEXT, method);
      }
      case "REPLACE" -> call(f, args, List.of(TEXT, TEXT, TEXT), TEXT, "replace");
      case "POWER" ->
          call(f, args, List.of(ColumnType.DOUBLE, ColumnType.DOUBLE), ColumnType.DOUBLE, "power");
      default -> round(f, args);
    };
  }

  private static Resolved abs(FunctionCall f, List<ColumnType> args) {
    ColumnType x = args.get(0) == null ? ColumnType.DOUBLE : args.get(0);
    if (!isNumeric(x)) {
      throw mismatch(f, 0, x, "a number");
    }
    return new Resolved(List.of(x), x, method("abs", javaClass(x)));
  }

  private static Resolved round(FunctionCall f, List<ColumnType> args) {
    ColumnType x = args.get(0) == null ? ColumnType.decimal(38, 6) : args.get(0);
    if (!isNumeric(x)) {
      throw mismatch(f, 0, x, "a number");
    }
    if (args.size() == 2 && args.get(1) != null && !isInteger(args.get(1))) {
      throw mismatch(f, 1, args.get(1), "an integer");
    }
    switch (x.kind()) {
      case INTEGER, BIGINT -> {
        List<ColumnType> params = new ArrayList<>(List.of(x));
        if (args.size() == 2) {
          params.add(ColumnType.INTEGER);
        }
        return new Resolved(params, x, null);
      }
      case DOUBLE -> {
        if (args.size() == 2) {
          throw QueryException.at(
              f.pos(),
              QueryException.UNDEFINED_FUNCTION,
              "ROUND(DOUBLE, n) does not exist; round a DECIMAL: ROUND(CAST(x AS DECIMAL(p, s)), n)");
        }
        return new Resolved(List.of(x), x, method("round", Double.class));
      }
      default -> {
        // One argument rounds to an integer value: ROUND(x, 0).
        return args.size() == 2
            ? new Resolved(
                List.of(x, ColumnType.INTEGER), x, method("round", BigDecimal.class, Integer.class))
            : new Resolved(List.of(x), x, method("round", BigDecimal.class));
      }
    }
  }

  private static Resolved call(
      FunctionCall f, List<ColumnType> args, List<ColumnType> params, ColumnType result, String m) {
    for (int i = 0; i < args.size(); i++) {
      ColumnType a = args.get(i);
      ColumnType p = params.get(i);
      boolean ok =
          a == null
              || (p.kind() == Kind.VARCHAR
                  ? a.kind() == Kind.VARCHAR
                  : p.kind() == Kind.DOUBLE ? isNumeric(a) : isInteger(a));
      if (!ok) {
        throw mismatch(
            f,
            i,
            a,
            p.kind() == Kind.VARCHAR
                ? "VARCHAR"
                : p.kind() == Kind.DOUBLE ? "a number" : "INTEGER");
      }
    }
    Class<?>[] classes = new Class<?>[params.size()];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = javaClass(params.get(i));
    }
    return new Resolved(params, result, method(m, classes));
  }

  private static Class<?> javaClass(ColumnType t) {
    return switch (t.kind()) {
      case VARCHAR -> String.class;
      case INTEGER -> Integer.class;
      case BIGINT -> Long.class;
      case DOUBLE -> Double.class;
      default -> BigDecimal.class;
    };
  }

  private static Method method(String name, Class<?>... params) {
    try {
      return QkvFunctions.class.getMethod(name, params);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("QkvFunctions." + name + " is missing", e);
    }
  }

  private static boolean isNumeric(ColumnType t) {
    return switch (t.kind()) {
      case INTEGER, BIGINT, DOUBLE, DECIMAL -> true;
      default -> false;
    };
  }

  private static boolean isInteger(ColumnType t) {
    return t.kind() == Kind.INTEGER || t.kind() == Kind.BIGINT;
  }

  private static QueryException mismatch(FunctionCall f, int i, ColumnType t, String wanted) {
    return QueryException.at(
        f.arguments().get(i).pos(),
        QueryException.DATATYPE_MISMATCH,
        f.name().value().toUpperCase(Locale.ROOT)
            + "'s argument "
            + (i + 1)
            + " must be "
            + wanted
            + ", not "
            + t);
  }

  /**
   * The operator expression a function call stands for, if it is one: {@code MOD(a, b)} is {@code a
   * % b} (the sign of the dividend; 22012 for a zero divisor).
   *
   * @throws QueryException 42883 for MOD without exactly two arguments
   */
  public static Optional<Expression> asOperator(FunctionCall f) {
    if (!f.name().value().equalsIgnoreCase("MOD")) {
      return Optional.empty();
    }
    if (f.arguments().size() != 2 || f.distinct()) {
      throw QueryException.at(f.pos(), QueryException.UNDEFINED_FUNCTION, "MOD takes 2 arguments");
    }
    return Optional.of(
        new Binary(f.pos(), Binary.Operator.MODULUS, f.arguments().get(0), f.arguments().get(1)));
  }

  /**
   * The value of an argument the call leaves out that the implementation takes: the space that
   * one-argument TRIM, BTRIM, LTRIM and RTRIM trim. Callers append it as a VARCHAR constant.
   */
  public static Optional<String> defaultSecondArgument(FunctionCall f) {
    String name = f.name().value().toUpperCase(Locale.ROOT);
    boolean trim =
        name.equals("TRIM") || name.equals("BTRIM") || name.equals("LTRIM") || name.equals("RTRIM");
    return trim && f.arguments().size() == 1 ? Optional.of(" ") : Optional.empty();
  }
}
