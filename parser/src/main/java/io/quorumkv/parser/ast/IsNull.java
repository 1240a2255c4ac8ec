package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code x IS [NOT] NULL}.
 *
 * @param pos where {@code IS} is
 * @param operand the tested value
 * @param negated whether it is {@code IS NOT NULL}
 */
public record IsNull(SourcePos pos, Expression operand, boolean negated) implements Expression {

  /** Checks that all parts are present. */
  public IsNull {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
  }
}
