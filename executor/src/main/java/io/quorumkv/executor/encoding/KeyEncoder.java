package io.quorumkv.executor.encoding;

import io.quorumkv.planner.schema.ColumnType;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes values so that unsigned byte order equals SQL order: for values {@code a < b} of one
 * type, {@code compareUnsigned(encode(a), encode(b)) < 0}. A tuple is the concatenation of its
 * components, and no component's encoding is a prefix of another's, so tuple order is lexicographic
 * by component and a key prefix is a primary-key prefix.
 *
 * <p>Each component starts with a marker byte: {@code 0x00} for NULL (sorting first), {@code 0x01}
 * for a value. The value bytes per type are in {@code executor/ENCODING.md}. Stateless and
 * thread-safe.
 */
public final class KeyEncoder {

  private static final byte NULL = 0x00;
  private static final byte VALUE = 0x01;

  private KeyEncoder() {}

  /** Appends the encoding of {@code value}, a canonical value of {@code type} or null. */
  public static void encode(ByteArrayOutputStream out, ColumnType type, Object value) {
    if (value == null) {
      out.write(NULL);
      return;
    }
    out.write(VALUE);
    switch (type.kind()) {
      case BOOLEAN -> out.write((Boolean) value ? 1 : 0);
      case INTEGER -> writeInt(out, (Integer) value ^ Integer.MIN_VALUE);
      case BIGINT, TIMESTAMP -> writeLong(out, (Long) value ^ Long.MIN_VALUE);
      case DOUBLE -> writeLong(out, orderedDouble((Double) value));
      case DECIMAL -> writeDecimal(out, (BigDecimal) value, type.scale());
      case VARCHAR -> writeEscaped(out, ((String) value).getBytes(StandardCharsets.UTF_8));
      case VARBINARY -> writeEscaped(out, (byte[]) value);
    }
  }

  /** Encodes a tuple of values of the given types. */
  public static byte[] encode(List<ColumnType> types, List<?> values) {
    if (types.size() != values.size()) {
      throw new IllegalArgumentException(types.size() + " types for " + values.size() + " values");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * types.size());
    for (int i = 0; i < types.size(); i++) {
      encode(out, types.get(i), values.get(i));
    }
    return out.toByteArray();
  }

  /**
   * Decodes a tuple of the given types from {@code key[offset..]}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid encoding
   */
  public static List<Object> decode(List<ColumnType> types, byte[] key, int offset) {
    Reader r = new Reader(key, offset);
    List<Object> values = new ArrayList<>(types.size());
    for (ColumnType t : types) {
      values.add(r.read(t));
    }
    if (r.pos != key.length) {
      throw new IllegalArgumentException("trailing bytes after the key at offset " + r.pos);
    }
    return values;
  }

  /**
   * Maps a double to a long whose unsigned order is the double's order: flip every bit of
   * negatives, only the sign bit of positives. {@code -0.0} is normalised to {@code 0.0} and every
   * NaN to one NaN that sorts last, so equal SQL values have equal keys.
   */
  private static long orderedDouble(double d) {
    if (d == 0.0) {
      d = 0.0;
    }
    long bits = Double.doubleToLongBits(d);
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  private static double fromOrderedDouble(long l) {
    long bits = l < 0 ? l ^ Long.MIN_VALUE : ~l;
    return Double.longBitsToDouble(bits);
  }

  /**
   * A decimal at the column's scale, as its unscaled integer: a sign byte ({@code 0x00} negative,
   * {@code 0x01} zero, {@code 0x02} positive), the magnitude's length in bytes (complemented for
   * negatives), then the magnitude big-endian (complemented for negatives). Longer magnitudes are
   * larger, so order follows.
   */
  private static void writeDecimal(ByteArrayOutputStream out, BigDecimal value, int scale) {
    BigInteger unscaled = value.setScale(scale).unscaledValue();
    int sign = unscaled.signum();
    if (sign == 0) {
      out.write(0x01);
      return;
    }
    byte[] mag = unscaled.abs().toByteArray();
    int start = mag[0] == 0 ? 1 : 0;
    int len = mag.length - start;
    if (sign > 0) {
      out.write(0x02);
      out.write(len);
      out.write(mag, start, len);
    } else {
      out.write(0x00);
      out.write(~len & 0xFF);
      for (int i = start; i < mag.length; i++) {
        out.write(~mag[i] & 0xFF);
      }
    }
  }

  /** Bytes with {@code 0x00} escaped as {@code 0x00 0xFF}, terminated by {@code 0x00 0x01}. */
  private static void writeEscaped(ByteArrayOutputStream out, byte[] bytes) {
    for (byte b : bytes) {
      out.write(b);
      if (b == 0) {
        out.write(0xFF);
      }
    }
    out.write(0x00);
    out.write(0x01);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    writeInt(out, (int) (v >>> 32));
    writeInt(out, (int) v);
  }

  /** Decodes components one after another. */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    Object read(ColumnType t) {
      byte marker = next();
      if (marker == NULL) {
        return null;
      }
      if (marker != VALUE) {
        throw bad("unknown marker " + marker);
      }
      return switch (t.kind()) {
        case BOOLEAN -> next() != 0;
        case INTEGER -> readInt() ^ Integer.MIN_VALUE;
        case BIGINT, TIMESTAMP -> readLong() ^ Long.MIN_VALUE;
        case DOUBLE -> fromOrderedDouble(readLong());
        case DECIMAL -> readDecimal(t.scale());
        case VARCHAR -> new String(readEscaped(), StandardCharsets.UTF_8);
        case VARBINARY -> readEscaped();
      };
    }

    private BigDecimal readDecimal(int scale) {
      int sign = next();
      if (sign == 0x01) {
        return BigDecimal.ZERO.setScale(scale);
      }
      boolean negative = sign == 0x00;
      if (!negative && sign != 0x02) {
        throw bad("bad decimal sign " + sign);
      }
      int len = (negative ? ~next() : next()) & 0xFF;
      byte[] mag = new byte[len + 1];
      for (int i = 1; i <= len; i++) {
        byte x = next();
        mag[i] = negative ? (byte) ~x : x;
      }
      BigInteger unscaled = new BigInteger(mag);
      return new BigDecimal(negative ? unscaled.negate() : unscaled, scale);
    }

    private byte[] readEscaped() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        byte x = next();
        if (x != 0) {
          out.write(x);
          continue;
        }
        byte esc = next();
        if (esc == (byte) 0xFF) {
          out.write(0);
        } else if (esc == 0x01) {
          return out.toByteArray();
        } else {
          throw bad("bad escape " + esc);
        }
      }
    }

    private int readInt() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | (next() & 0xFF);
      }
      return v;
    }

    private long readLong() {
      return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    private byte next() {
      if (pos >= b.length) {
        throw bad("key ends early");
      }
      return b[pos++];
    }

    private IllegalArgumentException bad(String what) {
      return new IllegalArgumentException(
          "malformed key at offset " + pos + ": " + what + " in " + Arrays.toString(b));
    }
  }
}
