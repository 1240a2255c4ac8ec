package io.quorumkv.planner;

import io.quorumkv.planner.schema.ValueException;

/** Picks the SQLState for a {@link ValueException} from what it says went wrong. */
public final class ValueErrors {

  private ValueErrors() {}

  /** The SQLState of a value that does not fit its type. */
  public static String sqlState(ValueException e) {
    String m = e.getMessage();
    if (m.contains("too long")) {
      return QueryException.STRING_TOO_LONG;
    }
    if (m.contains("out of range") || m.contains("is not a valid")) {
      return QueryException.NUMERIC_OUT_OF_RANGE;
    }
    if (m.contains("cannot assign")) {
      return QueryException.DATATYPE_MISMATCH;
    }
    return QueryException.INVALID_VALUE;
  }

  /** Wraps a value error as a query error. */
  public static QueryException wrap(ValueException e) {
    return new QueryException(sqlState(e), e.getMessage(), 0, 0, 0, e);
  }
}
