package io.quorumkv.planner.sql;

/**
 * The bodies of functions whose Calcite built-in differs from our semantics; the code Calcite
 * generates for a query calls these static methods (so they must stay public). Strings are counted
 * in Unicode code points, as PostgreSQL counts characters, where Java's {@code String.length()} and
 * Calcite's built-ins count UTF-16 units (a character outside the Basic Multilingual Plane, such as
 * an emoji, is two of those). Each method returns null for a null argument. Stateless and
 * thread-safe.
 */
public final class QkvFunctions {

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
}
