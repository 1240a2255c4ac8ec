package io.quorumkv.storage.bitcask.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open file: appends at its end, positional reads anywhere. Reads may run concurrently with each
 * other and with one appender; appends, {@link #force} and {@link #truncate} come from one thread
 * at a time.
 */
public interface FileHandle extends AutoCloseable {

  /** Appends all remaining bytes of {@code src} at the end of the file. */
  void append(ByteBuffer src) throws IOException;

  /** Reads up to {@code dst.remaining()} bytes at {@code position}; -1 at end of file. */
  int read(ByteBuffer dst, long position) throws IOException;

  /** The current size in bytes, including appended bytes that are not yet forced. */
  long size() throws IOException;

  /** Forces appended bytes to stable storage ({@code fdatasync}). */
  void force() throws IOException;

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException;

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
