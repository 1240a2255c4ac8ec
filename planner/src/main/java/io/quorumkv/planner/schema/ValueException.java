package io.quorumkv.planner.schema;

/**
 * A value does not fit its column: wrong type, out of range, too long. The message is meant for the
 * person who wrote the statement; the JDBC layer maps it to SQLState {@code 22000}-class errors.
 */
public class ValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message for the user. */
  public ValueException(String message) {
    super(message);
  }
}
