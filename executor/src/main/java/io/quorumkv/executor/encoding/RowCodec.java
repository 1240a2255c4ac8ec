package io.quorumkv.executor.encoding;

import io.quorumkv.planner.schema.ColumnType;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes a whole row as a record value: a format byte, the schema version the row was written
 * under, the number of columns written, a null bitmap, then each non-null value (fixed width for
 * numbers, length-prefixed for strings, bytes and decimals). A row written before {@code ALTER
 * TABLE ... ADD COLUMN} has fewer columns; the added ones read as NULL. Stateless and thread-safe.
 */
public final class RowCodec {

  /** The first byte of every encoded row; bumped if the layout ever changes. */
  static final byte FORMAT = 1;

  private RowCodec() {}

  /**
   * Encodes {@code values} (canonical values of {@code types}, or nulls).
   *
   * @param schemaVersion the table's schema version when the row is written
   */
  public static byte[] encode(int schemaVersion, List<ColumnType> types, Object[] values) {
    if (types.size() != values.length) {
      throw new IllegalArgumentException(types.size() + " types for " + values.length + " values");
    }
    int n = values.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 8 * n);
    out.write(FORMAT);
    writeVarint(out, schemaVersion);
    writeVarint(out, n);
    byte[] nulls = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      if (values[i] == null) {
        nulls[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    out.write(nulls, 0, nulls.length);
    for (int i = 0; i < n; i++) {
      Object v = values[i];
      if (v == null) {
        continue;
      }
      switch (types.get(i).kind()) {
        case BOOLEAN -> out.write((Boolean) v ? 1 : 0);
        case INTEGER -> writeFixed(out, (Integer) v, 4);
        case BIGINT, TIMESTAMP -> writeFixed(out, (Long) v, 8);
        case DOUBLE -> writeFixed(out, Double.doubleToLongBits((Double) v), 8);
        case DECIMAL -> writeBytes(out, ((BigDecimal) v).unscaledValue().toByteArray());
        case VARCHAR -> writeBytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
        case VARBINARY -> writeBytes(out, (byte[]) v);
      }
    }
    return out.toByteArray();
  }

  /** The schema version a row was written under. */
  public static int schemaVersion(byte[] row) {
    Reader r = new Reader(row);
    r.checkFormat();
    return r.varint();
  }

  /**
   * Decodes a row under the table's current column types; columns added after the row was written
   * read as NULL.
   *
   * @throws IllegalArgumentException if the bytes are not a valid row of these types
   */
  public static Object[] decode(List<ColumnType> types, byte[] row) {
    Reader r = new Reader(row);
    r.checkFormat();
    r.varint();
    int n = r.varint();
    if (n > types.size()) {
      throw new IllegalArgumentException(
          "row has " + n + " columns but the table only " + types.size());
    }
    byte[] nulls = r.bytes((n + 7) / 8);
    Object[] values = new Object[types.size()];
    for (int i = 0; i < n; i++) {
      if ((nulls[i >>> 3] & (1 << (i & 7))) != 0) {
        continue;
      }
      ColumnType t = types.get(i);
      values[i] =
          switch (t.kind()) {
            case BOOLEAN -> r.next() != 0;
            case INTEGER -> (int) r.fixed(4);
            case BIGINT, TIMESTAMP -> r.fixed(8);
            case DOUBLE -> Double.longBitsToDouble(r.fixed(8));
            case DECIMAL -> new BigDecimal(new BigInteger(r.bytes(r.varint())), t.scale());
            case VARCHAR -> new String(r.bytes(r.varint()), StandardCharsets.UTF_8);
            case VARBINARY -> r.bytes(r.varint());
          };
    }
    if (r.pos != row.length) {
      throw new IllegalArgumentException("trailing bytes after the row at offset " + r.pos);
    }
    return values;
  }

  private static void writeFixed(ByteArrayOutputStream out, long v, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] b) {
    writeVarint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    void checkFormat() {
      byte f = next();
      if (f != FORMAT) {
        throw new IllegalArgumentException("unknown row format " + f);
      }
    }

    int varint() {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        byte x = next();
        v |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          if (v < 0) {
            throw new IllegalArgumentException("negative length in row at offset " + pos);
          }
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long in row at offset " + pos);
    }

    long fixed(int width) {
      long v = 0;
      for (int i = 0; i < width; i++) {
        v = (v << 8) | (next() & 0xFF);
      }
      return width == 4 ? (int) v : v;
    }

    byte next() {
      if (pos >= b.length) {
        throw new IllegalArgumentException("row ends early at offset " + pos);
      }
      return b[pos++];
    }

    byte[] bytes(int n) {
      if (n < 0 || n > b.length - pos) {
        throw new IllegalArgumentException("row ends early at offset " + pos);
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }
  }
}
