package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * A {@code ?} placeholder whose value is bound at execution.
 *
 * @param pos where the {@code ?} is
 * @param index the 1-based number of the placeholder, counted in source order within its statement
 *     (the JDBC parameter index)
 */
public record Parameter(SourcePos pos, int index) implements Expression {

  /** Checks that the index is positive. */
  public Parameter {
    Objects.requireNonNull(pos, "pos");
    if (index < 1) {
      throw new IllegalArgumentException("parameters are numbered from 1");
    }
  }
}
