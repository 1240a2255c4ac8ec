package io.quorumkv.parser.ast;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * {@code TIMESTAMP 'yyyy-MM-dd[ HH:mm:ss[.fffffffff]]'}: a date and time without time zone.
 *
 * @param pos where {@code TIMESTAMP} starts
 * @param value the value, with a four-digit year (0000 to 9999)
 */
public record TimestampLiteral(SourcePos pos, LocalDateTime value) implements Literal {

  /** Checks that the year has four digits. */
  public TimestampLiteral {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(value, "value");
    if (value.getYear() < 0 || value.getYear() > 9999) {
      throw new IllegalArgumentException("TIMESTAMP years range from 0000 to 9999");
    }
  }
}
