package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code column = value} in an {@code UPDATE}'s {@code SET} list. The value is evaluated against
 * the row as it was before the update ({@code SET balance = balance - ?}).
 *
 * @param pos where the assignment starts (the column)
 * @param column the column to set; never {@code _VERSION}
 * @param value the new value
 */
public record Assignment(SourcePos pos, Identifier column, Expression value) implements Node {

  /** Checks that all parts are present and the target is writable. */
  public Assignment {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(value, "value");
    if (VersionRef.NAME.equals(column.value())) {
      throw new IllegalArgumentException("_VERSION is maintained by the store and not writable");
    }
  }
}
