package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code x [NOT] BETWEEN low AND high} (inclusive bounds).
 *
 * @param pos where {@code BETWEEN} (or the {@code NOT} before it) is
 * @param operand the tested value
 * @param low the lower bound
 * @param high the upper bound
 * @param negated whether it is {@code NOT BETWEEN}
 */
public record Between(
    SourcePos pos, Expression operand, Expression low, Expression high, boolean negated)
    implements Expression {

  /** Checks that all parts are present. */
  public Between {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(low, "low");
    Objects.requireNonNull(high, "high");
  }
}
