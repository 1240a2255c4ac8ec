package io.quorumkv.planner;

/**
 * Turns the Java exceptions that computing a value throws (in code Calcite generated, or in our own
 * evaluation) into the SQL errors they stand for: division by zero (22012), a value out of its
 * type's range (22003), text that is not a number (22018).
 */
public final class DataErrors {

  private DataErrors() {}

  /**
   * The SQL error {@code t} stands for, or null when it is not a data error. Looks through an
   * {@link ExceptionInInitializerError}: generated code computes constant expressions once, in a
   * static initializer, so {@code SELECT 1/0} fails there.
   */
  public static QueryException of(Throwable t) {
    Throwable cause = t instanceof ExceptionInInitializerError e ? e.getCause() : t;
    if (cause instanceof QueryException q) {
      return q;
    }
    if (cause instanceof ArithmeticException a) {
      return arithmetic(a);
    }
    if (cause instanceof NumberFormatException n) {
      return new QueryException(
          QueryException.INVALID_VALUE, "invalid number: " + n.getMessage(), 0, 0, 0, n);
    }
    return null;
  }

  private static QueryException arithmetic(ArithmeticException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("by zero")) {
      return new QueryException(QueryException.DIVISION_BY_ZERO, "division by zero", 0, 0, 0, e);
    }
    // Math.addExact and friends, which the checked arithmetic Calcite generates calls, say which
    // type overflowed; the message matches the write path's.
    String what =
        m.startsWith("integer")
            ? "numeric value out of range for INTEGER"
            : m.startsWith("long")
                ? "numeric value out of range for BIGINT"
                : "numeric value out of range: " + m;
    return new QueryException(QueryException.NUMERIC_OUT_OF_RANGE, what, 0, 0, 0, e);
  }
}
