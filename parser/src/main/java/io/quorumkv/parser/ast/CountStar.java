package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code COUNT(*)}: the number of rows.
 *
 * @param pos where {@code COUNT} starts
 */
public record CountStar(SourcePos pos) implements Expression {

  /** Checks that the position is present. */
  public CountStar {
    Objects.requireNonNull(pos, "pos");
  }
}
