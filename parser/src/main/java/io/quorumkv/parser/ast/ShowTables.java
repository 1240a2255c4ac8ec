package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code SHOW TABLES}.
 *
 * @param pos where the statement starts
 */
public record ShowTables(SourcePos pos) implements Statement {

  /** Checks that the position is present. */
  public ShowTables {
    Objects.requireNonNull(pos, "pos");
  }
}
