package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.io.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open data file of a table, reference counted. The table's file set holds one reference while
 * the file is live; a get or a scan holds one while it reads. A merge retires a file by dropping
 * the set's reference; when the count reaches zero the file is unmapped and closed (and, if
 * retired, deleted), so nobody ever reads an unmapped or deleted file.
 *
 * <p>{@link #size()} is where the records end; {@link #capacity()} is how many bytes the file has
 * on disk. They differ only for the active file, whose space is filled with zeros ahead of the
 * records (see {@code FORMAT.md}, "Preallocation").
 */
final class DataFile {
  private static final Logger LOG = LoggerFactory.getLogger(DataFile.class);

  final int id;
  final Path path;
  final FileHandle handle;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicLong size;
  private final AtomicLong deadBytes = new AtomicLong();
  private volatile long capacity;

  /** A read-only map of the first {@code mapping.limit()} bytes, or {@code null}. */
  private volatile ByteBuffer mapping;

  DataFile(int id, Path path, FileHandle handle, long size) {
    this(id, path, handle, size, size);
  }

  DataFile(int id, Path path, FileHandle handle, long size, long capacity) {
    this.id = id;
    this.path = path;
    this.handle = handle;
    this.size = new AtomicLong(size);
    this.capacity = capacity;
  }

  /**
   * Maps the file's first {@link #capacity()} bytes for reading, replacing (and leaving to the
   * garbage collector) an earlier map. A failure only costs speed: reads fall back to the handle.
   */
  void map() {
    try {
      // Never map past the end: mapping a writable channel would extend the file.
      long c = Math.min(capacity, handle.size());
      if (c == 0 || c > Integer.MAX_VALUE) {
        return;
      }
      mapping = handle.map(c);
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: cannot map the file for reading; reads go through the file handle", path, e);
    }
  }

  /** The read-only map, or {@code null}; valid while the caller holds a reference. */
  ByteBuffer mapping() {
    return mapping;
  }

  /** Takes a reference unless the file has already been released for good. */
  boolean retain() {
    for (; ; ) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /**
   * Drops a reference; the last one unmaps and closes the file. Returns whether it was the last.
   */
  boolean release() {
    int r = refs.decrementAndGet();
    if (r < 0) {
      throw new IllegalStateException("data file " + id + " released too often");
    }
    if (r == 0) {
      dispose();
      return true;
    }
    return false;
  }

  /**
   * Unmaps and closes the file now. Only for files no reader can reach (never published, or every
   * reference dropped).
   */
  void dispose() {
    ByteBuffer m = mapping;
    mapping = null;
    if (m != null) {
      handle.unmap(m);
    }
    try {
      handle.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed", path, e);
    }
  }

  int refs() {
    return refs.get();
  }

  long size() {
    return size.get();
  }

  long capacity() {
    return capacity;
  }

  void setCapacity(long bytes) {
    capacity = bytes;
  }

  void grow(long bytes) {
    size.addAndGet(bytes);
  }

  void setSize(long bytes) {
    size.set(bytes);
  }

  long deadBytes() {
    return deadBytes.get();
  }

  void addDead(long bytes) {
    deadBytes.addAndGet(bytes);
  }

  @Override
  public String toString() {
    return "DataFile[" + path + "]";
  }
}
