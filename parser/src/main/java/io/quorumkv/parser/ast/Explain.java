package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code EXPLAIN <statement>}: show the plan of a statement instead of running it.
 *
 * @param pos where the statement starts
 * @param statement the statement to explain, never itself an {@code EXPLAIN}
 */
public record Explain(SourcePos pos, Statement statement) implements Statement {

  /** Checks that the explained statement is present and not an {@code EXPLAIN}. */
  public Explain {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(statement, "statement");
    if (statement instanceof Explain) {
      throw new IllegalArgumentException("EXPLAIN cannot be nested");
    }
  }
}
