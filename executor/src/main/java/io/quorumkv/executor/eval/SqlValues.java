package io.quorumkv.executor.eval;

import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.ColumnType.Kind;
import io.quorumkv.planner.schema.ValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Operations on canonical values (see {@link ColumnType}) with SQL semantics: exact integer
 * arithmetic that fails on overflow instead of wrapping, decimals at a fixed scale, comparisons
 * across numeric types, strings compared by code point (the order of their key encoding). Nulls are
 * handled by the callers. Stateless.
 */
final class SqlValues {

  private SqlValues() {}

  static boolean isNumeric(ColumnType t) {
    return t != null
        && (t.kind() == Kind.INTEGER
            || t.kind() == Kind.BIGINT
            || t.kind() == Kind.DECIMAL
            || t.kind() == Kind.DOUBLE);
  }

  /** Whether values of the two types can be compared with each other. */
  static boolean comparable(ColumnType a, ColumnType b) {
    if (a == null || b == null) {
      return true;
    }
    if (isNumeric(a) && isNumeric(b)) {
      return true;
    }
    return a.kind() == b.kind();
  }

  /** Compares two non-null values of comparable types. */
  static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      if ((x instanceof Integer || x instanceof Long)
          && (y instanceof Integer || y instanceof Long)) {
        return Long.compare(x.longValue(), y.longValue());
      }
      if (x instanceof Double || y instanceof Double) {
        return Double.compare(x.doubleValue(), y.doubleValue());
      }
      return decimal(x).compareTo(decimal(y));
    }
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    throw new QueryException(
        QueryException.DATATYPE_MISMATCH,
        "cannot compare " + a.getClass().getSimpleName() + " with " + b.getClass().getSimpleName());
  }

  static int compareCodePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int cx = x.codePointAt(i);
      int cy = y.codePointAt(j);
      if (cx != cy) {
        return Integer.compare(cx, cy);
      }
      i += Character.charCount(cx);
      j += Character.charCount(cy);
    }
    return Boolean.compare(i < x.length(), j < y.length());
  }

  static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double d) {
      return BigDecimal.valueOf(d);
    }
    return BigDecimal.valueOf(n.longValue());
  }

  /** The result type of {@code a op b} for an arithmetic operator ({@code + - * / %}). */
  static ColumnType arithmeticType(char op, ColumnType a, ColumnType b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.kind() == Kind.DOUBLE || b.kind() == Kind.DOUBLE) {
      return ColumnType.DOUBLE;
    }
    if (a.kind() != Kind.DECIMAL && b.kind() != Kind.DECIMAL) {
      return a.kind() == Kind.BIGINT || b.kind() == Kind.BIGINT
          ? ColumnType.BIGINT
          : ColumnType.INTEGER;
    }
    int s1 = a.kind() == Kind.DECIMAL ? a.scale() : 0;
    int s2 = b.kind() == Kind.DECIMAL ? b.scale() : 0;
    int scale =
        switch (op) {
          case '*' -> Math.min(s1 + s2, 18);
          case '/' -> Math.max(6, Math.max(s1, s2));
          default -> Math.max(s1, s2);
        };
    return ColumnType.decimal(ColumnType.MAX_DECIMAL_PRECISION, scale);
  }

  /** {@code a op b} for non-null numbers, as a canonical value of {@code type}. */
  static Object arithmetic(char op, Object a, Object b, ColumnType type) {
    Number x = (Number) a;
    Number y = (Number) b;
    try {
      switch (type.kind()) {
        case INTEGER -> {
          int p = x.intValue();
          int q = y.intValue();
          return switch (op) {
            case '+' -> Math.addExact(p, q);
            case '-' -> Math.subtractExact(p, q);
            case '*' -> Math.multiplyExact(p, q);
            case '/' -> divide(nonZero(p, q), q);
            default -> nonZero(p, q) % q;
          };
        }
        case BIGINT -> {
          long p = x.longValue();
          long q = y.longValue();
          return switch (op) {
            case '+' -> Math.addExact(p, q);
            case '-' -> Math.subtractExact(p, q);
            case '*' -> Math.multiplyExact(p, q);
            case '/' -> divide(nonZero(p, q), q);
            default -> nonZero(p, q) % q;
          };
        }
        case DOUBLE -> {
          double p = x.doubleValue();
          double q = y.doubleValue();
          double r =
              switch (op) {
                case '+' -> p + q;
                case '-' -> p - q;
                case '*' -> p * q;
                case '/' -> p / nonZero(p, q);
                default -> p % nonZero(p, q);
              };
          if (!Double.isFinite(r)) {
            throw outOfRange(type);
          }
          return r;
        }
        default -> {
          BigDecimal p = decimal(x);
          BigDecimal q = decimal(y);
          BigDecimal r =
              switch (op) {
                case '+' -> p.add(q);
                case '-' -> p.subtract(q);
                case '*' -> p.multiply(q);
                case '/' -> p.divide(nonZero(p, q), type.scale(), RoundingMode.HALF_UP);
                default -> p.remainder(nonZero(p, q));
              };
          return fitDecimal(r, type);
        }
      }
    } catch (ArithmeticException e) {
      throw outOfRange(type);
    }
  }

  static BigDecimal fitDecimal(BigDecimal r, ColumnType type) {
    BigDecimal scaled = r.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
      throw outOfRange(type);
    }
    return scaled;
  }

  private static int divide(int p, int q) {
    if (p == Integer.MIN_VALUE && q == -1) {
      throw new ArithmeticException("overflow");
    }
    return p / q;
  }

  private static long divide(long p, long q) {
    if (p == Long.MIN_VALUE && q == -1) {
      throw new ArithmeticException("overflow");
    }
    return p / q;
  }

  private static int nonZero(int p, int q) {
    if (q == 0) {
      throw divisionByZero();
    }
    return p;
  }

  private static long nonZero(long p, long q) {
    if (q == 0) {
      throw divisionByZero();
    }
    return p;
  }

  private static double nonZero(double p, double q) {
    if (q == 0) {
      throw divisionByZero();
    }
    return q;
  }

  private static BigDecimal nonZero(BigDecimal p, BigDecimal q) {
    if (q.signum() == 0) {
      throw divisionByZero();
    }
    return q;
  }

  static QueryException divisionByZero() {
    return new QueryException(QueryException.DIVISION_BY_ZERO, "division by zero");
  }

  static QueryException outOfRange(ColumnType type) {
    return new QueryException(
        QueryException.NUMERIC_OUT_OF_RANGE, "numeric value out of range for " + type);
  }

  /** {@code -a} for a non-null number of {@code type}. */
  static Object negate(Object a, ColumnType type) {
    try {
      return switch (type.kind()) {
        case INTEGER -> Math.negateExact((Integer) a);
        case BIGINT -> Math.negateExact((Long) a);
        case DOUBLE -> -(Double) a;
        default -> ((BigDecimal) a).negate();
      };
    } catch (ArithmeticException e) {
      throw outOfRange(type);
    }
  }

  /**
   * Converts a non-null value of type {@code from} to {@code to}, as {@code CAST} does: numbers
   * round half up to the target's scale, text is parsed, everything prints to text.
   */
  static Object cast(Object v, ColumnType from, ColumnType to) {
    try {
      if (to.kind() == Kind.VARCHAR) {
        String s = text(v, from);
        return to.coerce(s);
      }
      if (v instanceof String s) {
        return switch (to.kind()) {
          case BOOLEAN -> {
            String t = s.trim();
            if (t.equalsIgnoreCase("true")) {
              yield true;
            }
            if (t.equalsIgnoreCase("false")) {
              yield false;
            }
            throw new ValueException("'" + s + "' is not a BOOLEAN");
          }
          case INTEGER, BIGINT, DECIMAL, DOUBLE -> castNumber(parseNumber(s, to), to);
          default -> to.coerce(s.trim());
        };
      }
      if (v instanceof Number n && isNumeric(to)) {
        return castNumber(n, to);
      }
      if (v instanceof Long l && from != null && from.kind() == Kind.TIMESTAMP) {
        if (to.kind() == Kind.TIMESTAMP || to.kind() == Kind.BIGINT) {
          return l;
        }
      }
      return to.coerce(v);
    } catch (ValueException e) {
      throw new QueryException(
          e.getMessage().contains("out of range")
              ? QueryException.NUMERIC_OUT_OF_RANGE
              : QueryException.INVALID_VALUE,
          "cannot cast to " + to + ": " + e.getMessage());
    }
  }

  private static Number parseNumber(String s, ColumnType to) {
    try {
      return to.kind() == Kind.DOUBLE ? Double.valueOf(s.trim()) : new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      throw new ValueException("'" + s + "' is not a number");
    }
  }

  private static Object castNumber(Number n, ColumnType to) {
    if (to.kind() == Kind.INTEGER || to.kind() == Kind.BIGINT) {
      BigDecimal rounded = decimal(n).setScale(0, RoundingMode.HALF_UP);
      return to.coerce(rounded);
    }
    return to.coerce(n);
  }

  /** The text form of a non-null value, as CAST to VARCHAR and string concatenation print it. */
  static String text(Object v, ColumnType from) {
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (v instanceof Long l && from != null && from.kind() == Kind.TIMESTAMP) {
      return new Timestamp(l).toString();
    }
    if (v instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    return v.toString();
  }

  /**
   * Translates a SQL LIKE pattern ({@code %} any run, {@code _} one character, {@code escape}
   * quoting the next character) to a regular expression.
   */
  static Pattern likePattern(String pattern, String escape) {
    if (escape != null && escape.codePointCount(0, escape.length()) != 1) {
      throw new QueryException(
          QueryException.INVALID_VALUE, "the LIKE escape must be a single character");
    }
    StringBuilder re = new StringBuilder();
    int esc = escape == null ? -1 : escape.codePointAt(0);
    for (int i = 0; i < pattern.length(); ) {
      int c = pattern.codePointAt(i);
      i += Character.charCount(c);
      if (c == esc) {
        if (i >= pattern.length()) {
          throw new QueryException(
              QueryException.INVALID_VALUE, "LIKE pattern ends with its escape character");
        }
        int next = pattern.codePointAt(i);
        i += Character.charCount(next);
        re.append(Pattern.quote(new String(Character.toChars(next))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(new String(Character.toChars(c))));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
