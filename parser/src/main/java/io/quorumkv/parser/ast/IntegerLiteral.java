package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * An integer such as {@code 42} or {@code -7} (a minus sign directly before the digits belongs to
 * the literal, so {@code -9223372036854775808} is valid). Range: that of {@code BIGINT}.
 *
 * @param pos where the literal (or its minus sign) starts
 * @param value the value
 */
public record IntegerLiteral(SourcePos pos, long value) implements Literal {

  /** Checks that the position is present. */
  public IntegerLiteral {
    Objects.requireNonNull(pos, "pos");
  }
}
