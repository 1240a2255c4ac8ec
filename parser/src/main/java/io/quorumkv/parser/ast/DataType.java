package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A column or {@code CAST} type.
 *
 * @param pos where the type name starts
 * @param kind the type
 * @param precision for {@code VARCHAR(n)} and {@code VARBINARY(n)} the maximum length (characters,
 *     bytes); for {@code DECIMAL(p, s)} the precision; empty if not given
 * @param scale for {@code DECIMAL(p, s)} the scale; empty if not given
 */
public record DataType(SourcePos pos, Kind kind, OptionalInt precision, OptionalInt scale)
    implements Node {

  /** The largest precision of a {@code DECIMAL}. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  /** The types of the dialect. */
  public enum Kind {
    /** {@code BOOLEAN}. */
    BOOLEAN,
    /** {@code INTEGER} (alias {@code INT}): 32-bit signed. */
    INTEGER,
    /** {@code BIGINT}: 64-bit signed. */
    BIGINT,
    /** {@code DOUBLE}: 64-bit IEEE 754. */
    DOUBLE,
    /** {@code DECIMAL[(p[, s])]}: exact decimal, at most 38 digits. */
    DECIMAL,
    /** {@code VARCHAR[(n)]}: Unicode text. */
    VARCHAR,
    /** {@code VARBINARY[(n)]}: bytes. */
    VARBINARY,
    /** {@code TIMESTAMP}: date and time without time zone, to the nanosecond. */
    TIMESTAMP
  }

  /** Checks that the parameters fit the kind. */
  public DataType {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(scale, "scale");
    boolean takesLength = kind == Kind.VARCHAR || kind == Kind.VARBINARY;
    if (precision.isPresent() && !takesLength && kind != Kind.DECIMAL) {
      throw new IllegalArgumentException(kind + " takes no parameters");
    }
    if (scale.isPresent() && (kind != Kind.DECIMAL || precision.isEmpty())) {
      throw new IllegalArgumentException("only DECIMAL(p, s) has a scale");
    }
    if (kind == Kind.DECIMAL && precision.isPresent()) {
      int p = precision.getAsInt();
      if (p < 1 || p > MAX_DECIMAL_PRECISION) {
        throw new IllegalArgumentException(
            "DECIMAL precision must be between 1 and " + MAX_DECIMAL_PRECISION + ", not " + p);
      }
      if (scale.isPresent() && scale.getAsInt() > p) {
        throw new IllegalArgumentException(
            "DECIMAL scale " + scale.getAsInt() + " exceeds its precision " + p);
      }
    } else if (precision.isPresent() && precision.getAsInt() < 1) {
      throw new IllegalArgumentException(
          kind + " length must be at least 1, not " + precision.getAsInt());
    }
  }
}
