package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code TRUE} or {@code FALSE}.
 *
 * @param pos where the literal starts
 * @param value the value
 */
public record BooleanLiteral(SourcePos pos, boolean value) implements Literal {

  /** Checks that the position is present. */
  public BooleanLiteral {
    Objects.requireNonNull(pos, "pos");
  }
}
