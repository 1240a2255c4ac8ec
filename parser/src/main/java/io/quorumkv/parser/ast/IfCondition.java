package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code IF <condition>}: write only if the row exists and the condition holds on it.
 *
 * @param pos where {@code IF} starts
 * @param condition the condition, over the row's columns and {@code _version}
 */
public record IfCondition(SourcePos pos, Expression condition) implements WriteCondition {

  /** Checks that all parts are present. */
  public IfCondition {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(condition, "condition");
  }
}
