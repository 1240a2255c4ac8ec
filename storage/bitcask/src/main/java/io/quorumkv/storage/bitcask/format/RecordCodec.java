package io.quorumkv.storage.bitcask.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes data-file records. Pure: no IO, no state. The layout (see {@code FORMAT.md})
 * is a 25-byte header followed by the key and the value:
 *
 * <pre>
 * offset size field
 *  0     4    header CRC32C over bytes 4..24
 *  4     1    flags: bit 0 TOMBSTONE, bit 1 BATCH_END, other bits zero
 *  5     8    seq, the table's sequence number of this mutation
 * 13     4    key length
 * 17     4    value length (0 for a tombstone)
 * 21     4    body CRC32C over key || value
 * 25     ...  key bytes, value bytes
 * </pre>
 *
 * All integers are big-endian. The header CRC covers the lengths, so a length is never used unless
 * its header checked out.
 */
public final class RecordCodec {

  /** Bytes of the fixed header. */
  public static final int HEADER_SIZE = 25;

  /** The record deletes its key; its value is empty. */
  public static final byte TOMBSTONE = 0x01;

  /** The record is the last of its write batch. */
  public static final byte BATCH_END = 0x02;

  private static final int KNOWN_FLAGS = TOMBSTONE | BATCH_END;

  /** The longest key accepted: 1 MiB. */
  public static final int MAX_KEY_BYTES = 1 << 20;

  /** The longest value accepted: 512 MiB. */
  public static final int MAX_VALUE_BYTES = 1 << 29;

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private RecordCodec() {}

  /** The encoded size of a record with the given key and value lengths. */
  public static long encodedSize(int keyLength, int valueLength) {
    return (long) HEADER_SIZE + keyLength + valueLength;
  }

  /**
   * Appends one record to {@code dst}.
   *
   * @param value the value, or {@code null} for a tombstone
   * @param batchEnd whether this is the last record of its batch
   */
  public static void encode(ByteBuffer dst, long seq, byte[] key, byte[] value, boolean batchEnd) {
    byte flags = (byte) ((value == null ? TOMBSTONE : 0) | (batchEnd ? BATCH_END : 0));
    byte[] v = value == null ? new byte[0] : value;
    CRC32C body = new CRC32C();
    body.update(key);
    body.update(v);
    int start = dst.position();
    dst.putInt(0);
    dst.put(flags);
    dst.putLong(seq);
    dst.putInt(key.length);
    dst.putInt(v.length);
    dst.putInt((int) body.getValue());
    dst.putInt(start, headerCrc(dst, start));
    dst.put(key);
    dst.put(v);
  }

  /**
   * Rewrites the header of an encoded record at {@code start} with new flags and fixes its header
   * CRC; the body is untouched. Used by merge, which copies records one by one.
   */
  public static void setFlags(ByteBuffer buf, int start, byte flags) {
    buf.put(start + 4, flags);
    buf.putInt(start, headerCrc(buf, start));
  }

  /**
   * Decodes the header at {@code buf[start..start+25)} (absolute positions), or returns {@code
   * null} if its CRC fails or a field is impossible. A {@code null} means none of the fields may be
   * trusted.
   */
  public static RecordHeader decodeHeader(ByteBuffer buf, int start) {
    if (buf.limit() - start < HEADER_SIZE) {
      return null;
    }
    int stored = buf.getInt(start);
    if (stored != headerCrc(buf, start)) {
      return null;
    }
    byte flags = buf.get(start + 4);
    long seq = buf.getLong(start + 5);
    int keyLength = buf.getInt(start + 13);
    int valueLength = buf.getInt(start + 17);
    int bodyCrc = buf.getInt(start + 21);
    if ((flags & ~KNOWN_FLAGS) != 0
        || seq < 0
        || keyLength < 0
        || keyLength > MAX_KEY_BYTES
        || valueLength < 0
        || valueLength > MAX_VALUE_BYTES
        || ((flags & TOMBSTONE) != 0 && valueLength != 0)) {
      return null;
    }
    return new RecordHeader(flags, seq, keyLength, valueLength, bodyCrc);
  }

  /**
   * Whether the body at {@code buf[start..start+keyLength+valueLength)} (absolute positions)
   * matches the header's body CRC.
   */
  public static boolean bodyMatches(RecordHeader header, ByteBuffer buf, int start) {
    int len = header.keyLength() + header.valueLength();
    if (buf.limit() - start < len) {
      return false;
    }
    CRC32C crc = new CRC32C();
    ByteBuffer body = buf.duplicate();
    body.limit(start + len).position(start);
    crc.update(body);
    return (int) crc.getValue() == header.bodyCrc();
  }

  /**
   * {@link #decodeHeader(ByteBuffer, int)} for a record copied into {@code buf[start..end)}: the
   * read path copies a whole record out of a file or map at once and checks it without further
   * buffers.
   */
  public static RecordHeader decodeHeader(byte[] buf, int start, int end) {
    if (end - start < HEADER_SIZE) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(buf, start + 4, HEADER_SIZE - 4);
    if ((int) INT.get(buf, start) != (int) crc.getValue()) {
      return null;
    }
    byte flags = buf[start + 4];
    long seq = (long) LONG.get(buf, start + 5);
    int keyLength = (int) INT.get(buf, start + 13);
    int valueLength = (int) INT.get(buf, start + 17);
    int bodyCrc = (int) INT.get(buf, start + 21);
    if ((flags & ~KNOWN_FLAGS) != 0
        || seq < 0
        || keyLength < 0
        || keyLength > MAX_KEY_BYTES
        || valueLength < 0
        || valueLength > MAX_VALUE_BYTES
        || ((flags & TOMBSTONE) != 0 && valueLength != 0)) {
      return null;
    }
    return new RecordHeader(flags, seq, keyLength, valueLength, bodyCrc);
  }

  /**
   * Whether the body at {@code buf[start..start+keyLength+valueLength)} matches the header's body
   * CRC; false if {@code buf} ends first.
   */
  public static boolean bodyMatches(RecordHeader header, byte[] buf, int start) {
    int len = header.keyLength() + header.valueLength();
    if (buf.length - start < len) {
      return false;
    }
    CRC32C crc = new CRC32C();
    crc.update(buf, start, len);
    return (int) crc.getValue() == header.bodyCrc();
  }

  private static int headerCrc(ByteBuffer buf, int start) {
    CRC32C crc = new CRC32C();
    ByteBuffer h = buf.duplicate();
    h.limit(start + HEADER_SIZE).position(start + 4);
    crc.update(h);
    return (int) crc.getValue();
  }
}
