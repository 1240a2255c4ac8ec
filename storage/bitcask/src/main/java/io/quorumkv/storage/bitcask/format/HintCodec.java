package io.quorumkv.storage.bitcask.format;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes hint files: one entry per record of an immutable data file, then a trailer
 * with a CRC over the whole file. Pure. Layout (big-endian, see {@code FORMAT.md}):
 *
 * <pre>
 * entry:   u8 flags (bit 0 TOMBSTONE) | u64 seq | u32 offset | u32 size | u32 key length | key
 * trailer: u32 data file id | u64 data file size | u32 entry count | u32 magic "QKVH" | u32 CRC32C
 * </pre>
 *
 * The CRC covers every byte before it, so a torn or damaged hint is never half used.
 */
public final class HintCodec {

  /** "QKVH". */
  public static final int MAGIC = 0x514B5648;

  private static final int ENTRY_FIXED = 1 + 8 + 4 + 4 + 4;
  private static final int TRAILER = 4 + 8 + 4 + 4 + 4;

  private HintCodec() {}

  /** A decoded hint file, or why it cannot be used. */
  public sealed interface Decoded permits Valid, Invalid {}

  /**
   * A hint file whose CRC checked out.
   *
   * @param fileId the data file it describes
   * @param dataSize the data file's size when the hint was written
   * @param entries its records in file order
   */
  public record Valid(int fileId, long dataSize, List<HintEntry> entries) implements Decoded {}

  /**
   * A hint file that must not be used.
   *
   * @param reason what is wrong with it
   */
  public record Invalid(String reason) implements Decoded {}

  /** Encodes the hint of data file {@code fileId}, {@code dataSize} bytes long. */
  public static byte[] encode(int fileId, long dataSize, List<HintEntry> entries) {
    long size = TRAILER;
    for (HintEntry e : entries) {
      size += ENTRY_FIXED + e.key().length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("hint file too large: " + size);
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    for (HintEntry e : entries) {
      buf.put(e.tombstone() ? RecordCodec.TOMBSTONE : 0);
      buf.putLong(e.seq());
      buf.putInt(e.offset());
      buf.putInt(e.size());
      buf.putInt(e.key().length);
      buf.put(e.key());
    }
    buf.putInt(fileId);
    buf.putLong(dataSize);
    buf.putInt(entries.size());
    buf.putInt(MAGIC);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /** Decodes a hint file's bytes. Never throws on bad input. */
  public static Decoded decode(byte[] bytes) {
    if (bytes.length < TRAILER) {
      return new Invalid("shorter than its trailer (" + bytes.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int t = bytes.length - TRAILER;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
      return new Invalid("CRC mismatch");
    }
    if (buf.getInt(t + 16) != MAGIC) {
      return new Invalid("bad magic");
    }
    int fileId = buf.getInt(t);
    long dataSize = buf.getLong(t + 4);
    int count = buf.getInt(t + 12);
    List<HintEntry> entries = new ArrayList<>(Math.max(0, Math.min(count, 1 << 20)));
    int pos = 0;
    for (int i = 0; i < count; i++) {
      if (t - pos < ENTRY_FIXED) {
        return new Invalid("entry " + i + " runs past the trailer");
      }
      byte flags = buf.get(pos);
      long seq = buf.getLong(pos + 1);
      int offset = buf.getInt(pos + 9);
      int size = buf.getInt(pos + 13);
      int keyLength = buf.getInt(pos + 17);
      pos += ENTRY_FIXED;
      if (keyLength < 0 || keyLength > t - pos || offset < 0 || size < RecordCodec.HEADER_SIZE) {
        return new Invalid("entry " + i + " is malformed");
      }
      byte[] key = new byte[keyLength];
      buf.get(pos, key);
      pos += keyLength;
      entries.add(new HintEntry((flags & RecordCodec.TOMBSTONE) != 0, seq, offset, size, key));
    }
    if (pos != t) {
      return new Invalid("entries end at " + pos + " but the trailer starts at " + t);
    }
    return new Valid(fileId, dataSize, entries);
  }
}
