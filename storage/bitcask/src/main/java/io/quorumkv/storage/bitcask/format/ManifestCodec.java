package io.quorumkv.storage.bitcask.format;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes a table's {@code MANIFEST}: the ordered list of its live data files (oldest
 * first) and lower bounds for the next sequence number and file id. Pure. Layout (big-endian):
 *
 * <pre>
 * u32 magic "QKVM" | u8 version (1) | u64 next seq | u32 next file id | u32 count
 * | count x u32 file id | u32 CRC32C over everything before it
 * </pre>
 */
public final class ManifestCodec {

  /** "QKVM". */
  public static final int MAGIC = 0x514B564D;

  private static final byte VERSION = 1;

  private ManifestCodec() {}

  /**
   * A table's file list.
   *
   * @param nextSeq no record of the table has a sequence number at or above this
   * @param nextFileId no data file of the table has an id at or above this
   * @param fileIds the live data files, oldest first; the last one was the active file
   */
  public record Manifest(long nextSeq, int nextFileId, List<Integer> fileIds) {
    /** Copies the list. */
    public Manifest {
      fileIds = List.copyOf(fileIds);
    }
  }

  /** Encodes {@code m}. */
  public static byte[] encode(Manifest m) {
    ByteBuffer buf = ByteBuffer.allocate(4 + 1 + 8 + 4 + 4 + 4 * m.fileIds().size() + 4);
    buf.putInt(MAGIC);
    buf.put(VERSION);
    buf.putLong(m.nextSeq());
    buf.putInt(m.nextFileId());
    buf.putInt(m.fileIds().size());
    for (int id : m.fileIds()) {
      buf.putInt(id);
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * Decodes a manifest.
   *
   * @throws IllegalArgumentException saying what is wrong if the bytes are not a valid manifest
   */
  public static Manifest decode(byte[] bytes) {
    if (bytes.length < 25) {
      throw new IllegalArgumentException("manifest too short: " + bytes.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
      throw new IllegalArgumentException("manifest CRC mismatch");
    }
    if (buf.getInt() != MAGIC || buf.get() != VERSION) {
      throw new IllegalArgumentException("not a version-1 manifest");
    }
    long nextSeq = buf.getLong();
    int nextFileId = buf.getInt();
    int count = buf.getInt();
    if (count < 0 || count != (bytes.length - 25) / 4 || (bytes.length - 25) % 4 != 0) {
      throw new IllegalArgumentException("manifest file count does not match its length");
    }
    List<Integer> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(buf.getInt());
    }
    return new Manifest(nextSeq, nextFileId, ids);
  }
}
