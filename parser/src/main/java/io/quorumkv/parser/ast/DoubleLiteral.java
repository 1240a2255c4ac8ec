package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * An approximate number written with an exponent, such as {@code 1.5E3}.
 *
 * @param pos where the literal (or its minus sign) starts
 * @param value the value, finite
 */
public record DoubleLiteral(SourcePos pos, double value) implements Literal {

  /** Checks that the value is finite. */
  public DoubleLiteral {
    Objects.requireNonNull(pos, "pos");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a DOUBLE literal must be finite");
    }
  }
}
