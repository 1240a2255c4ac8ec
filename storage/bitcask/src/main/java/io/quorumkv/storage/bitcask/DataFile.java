package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.io.FileHandle;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open data file of a table, reference counted. The table's file set holds one reference while
 * the file is live; a get or a scan holds one while it reads. A merge retires a file by dropping
 * the set's reference, and the file is deleted once the count reaches zero, so nobody ever reads a
 * deleted file.
 */
final class DataFile {
  final int id;
  final Path path;
  final FileHandle handle;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicLong size;
  private final AtomicLong deadBytes = new AtomicLong();

  DataFile(int id, Path path, FileHandle handle, long size) {
    this.id = id;
    this.path = path;
    this.handle = handle;
    this.size = new AtomicLong(size);
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

  /** Drops a reference; returns whether it was the last. */
  boolean release() {
    int r = refs.decrementAndGet();
    if (r < 0) {
      throw new IllegalStateException("data file " + id + " released too often");
    }
    return r == 0;
  }

  int refs() {
    return refs.get();
  }

  long size() {
    return size.get();
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
