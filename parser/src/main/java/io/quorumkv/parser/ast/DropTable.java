package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code DROP TABLE [IF EXISTS] t}.
 *
 * @param pos where the statement starts
 * @param table the table name
 * @param ifExists whether a missing table makes the statement a no-op rather than an error
 */
public record DropTable(SourcePos pos, Identifier table, boolean ifExists) implements Statement {

  /** Checks that all parts are present. */
  public DropTable {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
  }
}
