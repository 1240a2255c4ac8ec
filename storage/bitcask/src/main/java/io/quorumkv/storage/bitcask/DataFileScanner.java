package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.format.RecordCodec;
import io.quorumkv.storage.bitcask.format.RecordHeader;
import io.quorumkv.storage.bitcask.io.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a data file front to back, checking both CRCs of every record, and stops at the first
 * record that does not check out. It never follows a length field whose header CRC failed.
 */
final class DataFileScanner {

  private static final int CHUNK = 1 << 20;

  /** Receives each valid record. */
  interface Visitor {
    /**
     * @param offset the record's offset in the file
     * @param header its decoded header
     * @param buf a buffer holding the whole record at absolute position {@code start}; valid only
     *     during the call
     */
    void record(long offset, RecordHeader header, ByteBuffer buf, int start) throws IOException;
  }

  /** How a scan ended. */
  sealed interface End permits Clean, Bad {}

  /** Every byte up to the end of the file was valid records. */
  record Clean() implements End {}

  /**
   * The record at {@code offset} is damaged or incomplete.
   *
   * @param offset where the bad record starts
   * @param reason what is wrong
   */
  record Bad(long offset, String reason) implements End {}

  private DataFileScanner() {}

  /** Scans {@code [0, size)} of {@code file}. */
  static End scan(FileHandle file, long size, Visitor visitor) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, 64)));
    long bufStart = 0;
    buf.limit(0);
    long pos = 0;
    while (pos < size) {
      if (size - pos < RecordCodec.HEADER_SIZE) {
        return new Bad(pos, "torn header: only " + (size - pos) + " bytes left in the file");
      }
      if (pos < bufStart || pos + RecordCodec.HEADER_SIZE > bufStart + buf.limit()) {
        buf = load(file, size, buf, pos, RecordCodec.HEADER_SIZE);
        bufStart = pos;
      }
      int rel = (int) (pos - bufStart);
      RecordHeader h = RecordCodec.decodeHeader(buf, rel);
      if (h == null) {
        return new Bad(pos, "header checksum mismatch or impossible header");
      }
      long end = pos + h.recordSize();
      if (end > size) {
        return new Bad(pos, "record of " + h.recordSize() + " bytes runs past the end of the file");
      }
      if (end > bufStart + buf.limit()) {
        buf = load(file, size, buf, pos, h.recordSize());
        bufStart = pos;
        rel = 0;
      }
      if (!RecordCodec.bodyMatches(h, buf, rel + RecordCodec.HEADER_SIZE)) {
        return new Bad(pos, "body checksum mismatch");
      }
      visitor.record(pos, h, buf, rel);
      pos = end;
    }
    return new Clean();
  }

  /**
   * Looks for any valid record starting in {@code (from, lastStart]}: a header whose CRC checks out
   * and a body that matches it (the body may extend up to {@code size}). Returns its offset, or -1.
   * Used to tell a torn tail (nothing valid follows) from corruption in the middle of a file; the
   * caller passes the last non-zero byte as {@code lastStart}, since a header of zeros is invalid.
   */
  static long findValidRecordAfter(FileHandle file, long size, long from, long lastStart)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK + RecordCodec.HEADER_SIZE);
    for (long chunk = from + 1;
        chunk <= lastStart && chunk + RecordCodec.HEADER_SIZE <= size;
        chunk += CHUNK) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), size - chunk));
      file.readFully(buf, chunk);
      buf.flip();
      int last =
          (int)
              Math.min(
                  Math.min(CHUNK - 1, buf.limit() - RecordCodec.HEADER_SIZE), lastStart - chunk);
      for (int rel = 0; rel <= last; rel++) {
        RecordHeader h = RecordCodec.decodeHeader(buf, rel);
        if (h == null || chunk + rel + h.recordSize() > size) {
          continue;
        }
        ByteBuffer body = ByteBuffer.allocate(h.keyLength() + h.valueLength());
        file.readFully(body, chunk + rel + RecordCodec.HEADER_SIZE);
        if (RecordCodec.bodyMatches(h, body, 0)) {
          return chunk + rel;
        }
      }
    }
    return -1;
  }

  /**
   * The offset of the last non-zero byte in {@code [from, size)} of {@code file}, or -1 if every
   * byte there is zero. Reads backwards from the end, so a preallocated file costs only its unused
   * (zero) part.
   */
  static long lastNonZero(FileHandle file, long from, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size - from, 8)));
    long end = size;
    while (end > from) {
      int n = (int) Math.min(buf.capacity(), end - from);
      long start = end - n;
      buf.clear();
      buf.limit(n);
      file.readFully(buf, start);
      int i = n;
      // Eight bytes at a time while aligned to the end of the chunk, then byte by byte.
      while (i >= 8 && buf.getLong(i - 8) == 0) {
        i -= 8;
      }
      while (i > 0 && buf.get(i - 1) == 0) {
        i--;
      }
      if (i > 0) {
        return start + i - 1;
      }
      end = start;
    }
    return -1;
  }

  private static ByteBuffer load(FileHandle file, long size, ByteBuffer buf, long pos, int need)
      throws IOException {
    ByteBuffer b = buf.capacity() >= need ? buf : ByteBuffer.allocate(need);
    b.clear();
    b.limit((int) Math.min(b.capacity(), size - pos));
    file.readFully(b, pos);
    b.flip();
    return b;
  }
}
