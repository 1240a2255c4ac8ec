package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code ALTER TABLE t ADD [COLUMN] col TYPE [NOT NULL]}. Key columns cannot be added.
 *
 * @param pos where the statement starts
 * @param table the table name
 * @param column the new column
 */
public record AddColumn(SourcePos pos, Identifier table, ColumnDef column) implements Statement {

  /** Checks that all parts are present. */
  public AddColumn {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
  }
}
