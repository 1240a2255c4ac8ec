package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code NULL}.
 *
 * @param pos where the literal starts
 */
public record NullLiteral(SourcePos pos) implements Literal {

  /** Checks that the position is present. */
  public NullLiteral {
    Objects.requireNonNull(pos, "pos");
  }
}
