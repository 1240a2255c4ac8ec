package io.quorumkv.parser.ast;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An exact decimal such as {@code 12.50}: its scale is the number of digits written after the
 * point; it has at most {@value DataType#MAX_DECIMAL_PRECISION} digits.
 *
 * @param pos where the literal (or its minus sign) starts
 * @param value the value, with a scale of at least 0
 */
public record DecimalLiteral(SourcePos pos, BigDecimal value) implements Literal {

  /** Checks that the value fits a {@code DECIMAL}. */
  public DecimalLiteral {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(value, "value");
    if (value.scale() < 0
        || Math.max(value.precision(), value.scale()) > DataType.MAX_DECIMAL_PRECISION) {
      throw new IllegalArgumentException(
          "decimal literal "
              + value.toPlainString()
              + " does not fit DECIMAL("
              + DataType.MAX_DECIMAL_PRECISION
              + ")");
    }
  }
}
