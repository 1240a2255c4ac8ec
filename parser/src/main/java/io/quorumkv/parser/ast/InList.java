package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code x [NOT] IN (v1, v2, ...)}.
 *
 * @param pos where {@code IN} (or the {@code NOT} before it) is
 * @param operand the tested value
 * @param values the list, at least one value
 * @param negated whether it is {@code NOT IN}
 */
public record InList(SourcePos pos, Expression operand, List<Expression> values, boolean negated)
    implements Expression {

  /** Copies the list and checks that it is not empty. */
  public InList {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("IN needs at least one value");
    }
  }
}
