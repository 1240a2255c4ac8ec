package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code CAST(x AS type)}.
 *
 * @param pos where {@code CAST} starts
 * @param operand the value to convert
 * @param type the target type
 */
public record Cast(SourcePos pos, Expression operand, DataType type) implements Expression {

  /** Checks that all parts are present. */
  public Cast {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(type, "type");
  }
}
