package io.quorumkv.storage.bitcask.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the Bitcask engine performs. The engine touches the disk only through this
 * interface, so tests can substitute a simulated file system that loses unsynced bytes, tears
 * writes and fails with {@code ENOSPC}/{@code EIO} on demand.
 *
 * <p>Durability contract, the one POSIX gives: bytes appended to a file survive power loss only
 * once {@link FileHandle#force()} has returned; a created, renamed or deleted directory entry
 * survives only once {@link #fsyncDirectory} of its parent has returned. Implementations are
 * thread-safe.
 */
public interface FileIo {

  /** Creates {@code dir} and any missing parents; the new entries are not yet durable. */
  void createDirectories(Path dir) throws IOException;

  /** Whether {@code path} exists (file or directory). */
  boolean exists(Path path) throws IOException;

  /** Whether {@code path} exists and is a directory. */
  boolean isDirectory(Path path) throws IOException;

  /** The names of the entries of {@code dir}, in no particular order. */
  List<String> list(Path dir) throws IOException;

  /** Creates an empty file, failing if it exists, and opens it for appending and reading. */
  FileHandle create(Path file) throws IOException;

  /** Opens an existing file for appending (at its current end) and reading. */
  FileHandle open(Path file) throws IOException;

  /** Atomically renames {@code from} to {@code to}, replacing {@code to} if it exists. */
  void rename(Path from, Path to) throws IOException;

  /** Deletes a file or an empty directory; does nothing if it does not exist. */
  void delete(Path path) throws IOException;

  /** Makes the entries of {@code dir} (creations, renames, deletions) durable. */
  void fsyncDirectory(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on {@code file} (creating it if needed) so that two engines, in this
   * process or another, never share a directory. The lock dies with the process.
   *
   * @return closing it releases the lock; closing never throws
   * @throws IOException if another holder has the lock
   */
  DirectoryLock lock(Path file) throws IOException;

  /** Reads a whole (small) file, e.g. a hint file or the manifest. */
  default byte[] readAll(Path file) throws IOException {
    try (FileHandle h = open(file)) {
      long size = h.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException(file + " is too large to read at once: " + size + " bytes");
      }
      byte[] out = new byte[(int) size];
      h.readFully(java.nio.ByteBuffer.wrap(out), 0);
      return out;
    }
  }
}
