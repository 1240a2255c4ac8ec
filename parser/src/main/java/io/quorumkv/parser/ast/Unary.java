package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * A prefix operation: {@code -x} or {@code NOT p}. (A unary plus is dropped by the parser, and a
 * minus directly before a number is part of the literal.)
 *
 * @param pos where the operator is
 * @param operator the operator
 * @param operand the operand
 */
public record Unary(SourcePos pos, Operator operator, Expression operand) implements Expression {

  /** The prefix operators. */
  public enum Operator {
    /** Arithmetic negation, {@code -x}. */
    NEGATE,
    /** Logical negation, {@code NOT p} (three-valued: {@code NOT NULL} is {@code NULL}). */
    NOT
  }

  /** Checks that all parts are present. */
  public Unary {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(operand, "operand");
  }
}
