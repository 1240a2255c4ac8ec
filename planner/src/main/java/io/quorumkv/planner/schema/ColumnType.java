package io.quorumkv.planner.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;

/**
 * A column's SQL type and the canonical Java value that represents it everywhere below the JDBC
 * boundary: {@link Boolean}, {@link Integer}, {@link Long}, {@link Double}, {@link BigDecimal} (at
 * exactly the column's scale), {@link String}, {@code byte[]}, and for {@code TIMESTAMP} a {@link
 * Long} of milliseconds since the epoch (UTC), as Calcite represents timestamps.
 *
 * @param kind the type family
 * @param precision DECIMAL precision, or VARCHAR/VARBINARY maximum length ({@code -1}: unbounded)
 * @param scale DECIMAL scale, else 0
 */
public record ColumnType(Kind kind, int precision, int scale) {

  /** The type families of the dialect. */
  public enum Kind {
    BOOLEAN,
    INTEGER,
    BIGINT,
    DOUBLE,
    DECIMAL,
    VARCHAR,
    VARBINARY,
    TIMESTAMP
  }

  /** The largest DECIMAL precision, as in most SQL databases. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
  public static final ColumnType INTEGER = new ColumnType(Kind.INTEGER, 0, 0);
  public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
  public static final ColumnType VARBINARY = new ColumnType(Kind.VARBINARY, -1, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);

  /** Checks the parameters against the kind. */
  public ColumnType {
    Objects.requireNonNull(kind, "kind");
    switch (kind) {
      case DECIMAL -> {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
          throw new IllegalArgumentException(
              "DECIMAL precision must be 1 to " + MAX_DECIMAL_PRECISION + ", got " + precision);
        }
        if (scale < 0 || scale > precision) {
          throw new IllegalArgumentException(
              "DECIMAL scale must be 0 to the precision " + precision + ", got " + scale);
        }
      }
      case VARCHAR, VARBINARY -> {
        if (precision == 0 || precision < -1) {
          throw new IllegalArgumentException(kind + " length must be positive, got " + precision);
        }
        if (scale != 0) {
          throw new IllegalArgumentException(kind + " takes no scale");
        }
      }
      default -> {
        if (precision != 0 || scale != 0) {
          throw new IllegalArgumentException(kind + " takes no precision or scale");
        }
      }
    }
  }

  /** {@code DECIMAL(precision, scale)}. */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** {@code VARCHAR(length)}; {@code -1} for no limit. */
  public static ColumnType varchar(int length) {
    return new ColumnType(Kind.VARCHAR, length, 0);
  }

  /** {@code VARBINARY(length)}; {@code -1} for no limit. */
  public static ColumnType varbinary(int length) {
    return new ColumnType(Kind.VARBINARY, length, 0);
  }

  /**
   * Converts {@code value} to this type's canonical Java value, as an assignment to a column of
   * this type does: integers widen and narrow with an overflow check, decimals are rounded (half
   * up) to the scale and checked against the precision, strings are checked against the length.
   * {@code null} stays {@code null}.
   *
   * @throws ValueException naming the type when the value does not fit or has the wrong type
   */
  public Object coerce(Object value) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case BOOLEAN -> {
        if (value instanceof Boolean b) {
          yield b;
        }
        throw mismatch(value);
      }
      case INTEGER -> {
        long l = exactLong(value);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
          throw new ValueException("value " + value + " is out of range for INTEGER");
        }
        yield (int) l;
      }
      case BIGINT -> exactLong(value);
      case DOUBLE -> {
        if (value instanceof Number n) {
          yield n.doubleValue();
        }
        throw mismatch(value);
      }
      case DECIMAL -> decimal(value);
      case VARCHAR -> {
        if (!(value instanceof String s)) {
          throw mismatch(value);
        }
        if (precision >= 0 && s.codePointCount(0, s.length()) > precision) {
          throw new ValueException(
              "string of "
                  + s.codePointCount(0, s.length())
                  + " characters is too long for "
                  + this);
        }
        yield s;
      }
      case VARBINARY -> {
        byte[] b;
        if (value instanceof byte[] bytes) {
          b = bytes;
        } else if (value instanceof String s) {
          b = s.getBytes(StandardCharsets.UTF_8);
        } else {
          throw mismatch(value);
        }
        if (precision >= 0 && b.length > precision) {
          throw new ValueException(b.length + " bytes are too long for " + this);
        }
        yield b;
      }
      case TIMESTAMP -> {
        if (value instanceof Timestamp t) {
          yield t.getTime();
        } else if (value instanceof Instant i) {
          yield i.toEpochMilli();
        } else if (value instanceof Long l) {
          yield l;
        } else if (value instanceof String s) {
          try {
            yield Timestamp.valueOf(s).getTime();
          } catch (IllegalArgumentException e) {
            throw new ValueException(
                "'" + s + "' is not a TIMESTAMP; use 'yyyy-mm-dd hh:mm:ss[.fff]'");
          }
        }
        throw mismatch(value);
      }
    };
  }

  private long exactLong(Object value) {
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigDecimal bd) {
      try {
        return bd.longValueExact();
      } catch (ArithmeticException e) {
        throw new ValueException("value " + bd.toPlainString() + " is not a valid " + this);
      }
    }
    if (value instanceof BigInteger bi) {
      if (bi.bitLength() > 63) {
        throw new ValueException("value " + bi + " is out of range for " + this);
      }
      return bi.longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) >= 0x1p63) {
        throw new ValueException("value " + d + " is not a valid " + this);
      }
      return (long) d;
    }
    throw mismatch(value);
  }

  private BigDecimal decimal(Object value) {
    BigDecimal bd;
    if (value instanceof BigDecimal b) {
      bd = b;
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      bd = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger bi) {
      bd = new BigDecimal(bi);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new ValueException("value " + d + " is not a valid " + this);
      }
      bd = BigDecimal.valueOf(d);
    } else {
      throw mismatch(value);
    }
    BigDecimal scaled = bd.setScale(scale, RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > precision - scale) {
      throw new ValueException("value " + bd.toPlainString() + " is out of range for " + this);
    }
    return scaled;
  }

  private ValueException mismatch(Object value) {
    return new ValueException(
        "cannot assign a value of type " + javaTypeName(value) + " to a column of type " + this);
  }

  private static String javaTypeName(Object value) {
    if (value instanceof String) {
      return "VARCHAR";
    } else if (value instanceof Boolean) {
      return "BOOLEAN";
    } else if (value instanceof byte[]) {
      return "VARBINARY";
    } else if (value instanceof Number) {
      return "NUMERIC";
    }
    return value.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
      case VARCHAR, VARBINARY -> precision < 0 ? kind.name() : kind + "(" + precision + ")";
      default -> kind.name();
    };
  }
}
