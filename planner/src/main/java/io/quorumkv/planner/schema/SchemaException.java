package io.quorumkv.planner.schema;

/**
 * A statement conflicts with the schema: an unknown or duplicate table or column, a bad key. The
 * message is meant for the person who wrote the statement (SQLState class {@code 42}).
 */
public class SchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message for the user. */
  public SchemaException(String message) {
    super(message);
  }
}
