package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * A column reference, {@code c} or {@code t.c}. The version pseudo-column is a {@link VersionRef}
 * instead.
 *
 * @param pos where the reference starts
 * @param table the qualifier (table name or alias), if any
 * @param column the column name, never {@code _VERSION}
 */
public record ColumnRef(SourcePos pos, Optional<Identifier> table, Identifier column)
    implements Expression {

  /** Checks that all parts are present and that the column is not {@code _VERSION}. */
  public ColumnRef {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
    if (VersionRef.NAME.equals(column.value())) {
      throw new IllegalArgumentException("_VERSION is a VersionRef, not a ColumnRef");
    }
  }
}
