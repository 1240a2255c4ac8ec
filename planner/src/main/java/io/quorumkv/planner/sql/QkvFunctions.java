package io.quorumkv.planner.sql;

import io.quorumkv.planner.QueryException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The bodies of the SQL functions of the {@link FunctionTable} and of the operations whose Calcite
 * built-in differs from our semantics, with PostgreSQL's semantics. The code Calcite generates for
 * a query calls these static methods (so they must stay public), and the write path invokes them,
 * so both paths compute the same. Data errors are {@link QueryException}s. Strings are counted in
 * Unicode code points, as PostgreSQL counts characters, where Java's {@code String.length()} and
 * Calcite's built-ins count UTF-16 units (a character outside the Basic Multilingual Plane, such as
 * an emoji, is two of those). Each method returns null for a null argument. Stateless and
 * thread-safe.
 */
public final class QkvFunctions {

  /** SQLState of a bad SUBSTRING length. */
  static final String SUBSTRING_ERROR = "22011";

  /** SQLState of an undefined power. */
  static final String INVALID_POWER = "2201F";

  private static final int MAX_ROUND_DIGITS = 1000;

  private QkvFunctions() {}

  /** {@code CHAR_LENGTH(s)}: the number of characters (code points). */
  public static Integer charLength(String s) {
    return s == null ? null : s.codePointCount(0, s.length());
  }

  /**
   * {@code CAST(s AS VARCHAR(n))}: the first {@code n} characters of {@code s}; an explicit cast
   * truncates silently, as in PostgreSQL.
   */
  public static String truncate(String s, int n) {
    if (s == null || s.length() <= n) {
      return s;
    }
    int count = s.codePointCount(0, s.length());
    return count <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
  }

  /** {@code a / b} of DOUBLEs: an error (22012) for a zero divisor, as SQL has it. */
  public static Double divide(Double a, Double b) {
    if (a == null || b == null) {
      return null;
    }
    if (b == 0) {
      throw new QueryException(QueryException.DIVISION_BY_ZERO, "division by zero");
    }
    return a / b;
  }

  /** {@code SUBSTRING(s FROM start)}: the characters from position {@code start} (1-based). */
  public static String substring(String s, Integer start) {
    if (s == null || start == null) {
      return null;
    }
    return substring(s, start, Integer.MAX_VALUE);
  }

  /**
   * {@code SUBSTRING(s FROM start FOR count)}, as PostgreSQL: the characters at positions {@code
   * start} to {@code start + count - 1} that exist (a start before 1 shortens the result); a
   * negative count is an error (22011).
   */
  public static String substring(String s, Integer start, Integer count) {
    if (s == null || start == null || count == null) {
      return null;
    }
    if (count < 0) {
      throw new QueryException(SUBSTRING_ERROR, "negative substring length not allowed");
    }
    long from = Math.max(start, 1);
    long to = Math.min((long) start + count, (long) s.codePointCount(0, s.length()) + 1);
    if (to <= from) {
      return "";
    }
    int begin = s.offsetByCodePoints(0, (int) from - 1);
    return s.substring(begin, s.offsetByCodePoints(begin, (int) (to - from)));
  }

  /** {@code POSITION(sub IN s)}: the 1-based character position of {@code sub} in s, or 0. */
  public static Integer position(String sub, String s) {
    if (sub == null || s == null) {
      return null;
    }
    int at = s.indexOf(sub);
    return at < 0 ? 0 : s.codePointCount(0, at) + 1;
  }

  /** {@code TRIM(BOTH chars FROM s)}: s without the leading and trailing characters in chars. */
  public static String btrim(String s, String chars) {
    return rtrim(ltrim(s, chars), chars);
  }

  /** {@code TRIM(LEADING chars FROM s)}. */
  public static String ltrim(String s, String chars) {
    if (s == null || chars == null) {
      return null;
    }
    int i = 0;
    while (i < s.length() && chars.indexOf(s.codePointAt(i)) >= 0) {
      i += Character.charCount(s.codePointAt(i));
    }
    return s.substring(i);
  }

  /** {@code TRIM(TRAILING chars FROM s)}. */
  public static String rtrim(String s, String chars) {
    if (s == null || chars == null) {
      return null;
    }
    int end = s.length();
    while (end > 0 && chars.indexOf(s.codePointBefore(end)) >= 0) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(0, end);
  }

  /** {@code REPLACE(s, from, to)}: every occurrence of {@code from} replaced; none when empty. */
  public static String replace(String s, String from, String to) {
    if (s == null || from == null || to == null) {
      return null;
    }
    return from.isEmpty() ? s : s.replace(from, to);
  }

  /**
   * {@code POWER(a, b)} in DOUBLE, with PostgreSQL's errors: zero to a negative power and a
   * negative number to a non-integer power are undefined (2201F), an infinite result is out of
   * range (22003).
   */
  public static Double power(Double a, Double b) {
    if (a == null || b == null) {
      return null;
    }
    if (a == 0 && b < 0) {
      throw new QueryException(INVALID_POWER, "zero raised to a negative power is undefined");
    }
    if (a < 0 && b != Math.rint(b)) {
      throw new QueryException(
          INVALID_POWER, "a negative number raised to a non-integer power yields a complex result");
    }
    double r = Math.pow(a, b);
    if (Double.isInfinite(r) && !Double.isInfinite(a) && !Double.isInfinite(b)) {
      throw new QueryException(QueryException.NUMERIC_OUT_OF_RANGE, "value out of range: overflow");
    }
    return r;
  }

  /** {@code ROUND(x)} of a DOUBLE: to the nearest integer, ties to even (as PostgreSQL's rint). */
  public static Double round(Double x) {
    return x == null ? null : Math.rint(x);
  }

  /** {@code ROUND(x)} of a DECIMAL: {@code ROUND(x, 0)}. */
  public static BigDecimal round(BigDecimal x) {
    return round(x, 0);
  }

  /**
   * {@code ROUND(x, n)} of a DECIMAL: to {@code n} digits after the point (before it when
   * negative), ties away from zero, keeping x's scale.
   */
  public static BigDecimal round(BigDecimal x, Integer n) {
    if (x == null || n == null) {
      return null;
    }
    return x.setScale(Math.max(-MAX_ROUND_DIGITS, Math.min(n, x.scale())), RoundingMode.HALF_UP)
        .setScale(x.scale(), RoundingMode.UNNECESSARY);
  }

  /** {@code UPPER(s)}. */
  public static String upper(String s) {
    return s == null ? null : s.toUpperCase(Locale.ROOT);
  }

  /** {@code LOWER(s)}. */
  public static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /** {@code ABS(x)} of an INTEGER; the absolute value of its minimum is out of range (22003). */
  public static Integer abs(Integer x) {
    if (x == null) {
      return null;
    }
    if (x == Integer.MIN_VALUE) {
      throw new QueryException(
          QueryException.NUMERIC_OUT_OF_RANGE, "numeric value out of range for INTEGER");
    }
    return Math.abs(x);
  }

  /** {@code ABS(x)} of a BIGINT; the absolute value of its minimum is out of range (22003). */
  public static Long abs(Long x) {
    if (x == null) {
      return null;
    }
    if (x == Long.MIN_VALUE) {
      throw new QueryException(
          QueryException.NUMERIC_OUT_OF_RANGE, "numeric value out of range for BIGINT");
    }
    return Math.abs(x);
  }

  /** {@code ABS(x)} of a DOUBLE. */
  public static Double abs(Double x) {
    return x == null ? null : Math.abs(x);
  }

  /** {@code ABS(x)} of a DECIMAL. */
  public static BigDecimal abs(BigDecimal x) {
    return x == null ? null : x.abs();
  }
}
