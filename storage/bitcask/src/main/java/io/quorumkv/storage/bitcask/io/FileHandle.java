package io.quorumkv.storage.bitcask.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open file: appends at its end, positional writes and reads anywhere, and an optional read-only
 * memory map. Reads may run concurrently with each other and with one writer; appends, positional
 * writes, {@link #force} and {@link #truncate} come from one thread at a time.
 */
public interface FileHandle extends AutoCloseable {

  /** Appends all remaining bytes of {@code src} at the end of the file. */
  void append(ByteBuffer src) throws IOException;

  /**
   * Writes all remaining bytes of {@code src} at {@code position}, overwriting what is there. The
   * engine only writes inside space it has already filled (with zeros, forced), so the file size
   * does not change and {@link #force} has no size or block allocation to make durable.
   */
  void write(ByteBuffer src, long position) throws IOException;

  /** Reads up to {@code dst.remaining()} bytes at {@code position}; -1 at end of file. */
  int read(ByteBuffer dst, long position) throws IOException;

  /** The current size in bytes, including appended bytes that are not yet forced. */
  long size() throws IOException;

  /** Forces appended bytes to stable storage ({@code fdatasync}). */
  void force() throws IOException;

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException;

  /**
   * Maps the first {@code size} bytes of the file for reading, or returns {@code null} if this file
   * system cannot map. A mapping stays valid after {@link #close} and after the file is deleted or
   * truncated (reading beyond the end of a truncated file is an error the caller must avoid), until
   * {@link #unmap} or garbage collection releases it. The caller must not read it after {@link
   * #unmap}.
   */
  default ByteBuffer map(long size) throws IOException {
    return null;
  }

  /**
   * Releases a buffer returned by {@link #map} now instead of at garbage collection, so the pages
   * (and the disk space of a deleted file) are freed at once. Nothing may read it afterwards; a
   * reader that did would crash the JVM, which is why callers unmap only unreferenced files.
   */
  default void unmap(ByteBuffer mapping) {}

  /** Closes the handle. Idempotent. */
  @Override
  void close() throws IOException;

  /**
   * Reads exactly {@code dst.remaining()} bytes at {@code position}.
   *
   * @throws EOFException if the file ends first
   */
  default void readFully(ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = read(dst, pos);
      if (n < 0) {
        throw new EOFException("end of file at " + pos);
      }
      pos += n;
    }
  }
}
