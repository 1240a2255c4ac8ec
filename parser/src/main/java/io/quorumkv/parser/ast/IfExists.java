package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code IF EXISTS}: write only if the row exists.
 *
 * @param pos where {@code IF} starts
 */
public record IfExists(SourcePos pos) implements WriteCondition {

  /** Checks that the position is present. */
  public IfExists {
    Objects.requireNonNull(pos, "pos");
  }
}
