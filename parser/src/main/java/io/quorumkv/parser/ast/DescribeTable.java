package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code DESCRIBE t} (or {@code DESC t}).
 *
 * @param pos where the statement starts
 * @param table the table name
 */
public record DescribeTable(SourcePos pos, Identifier table) implements Statement {

  /** Checks that all parts are present. */
  public DescribeTable {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
  }
}
