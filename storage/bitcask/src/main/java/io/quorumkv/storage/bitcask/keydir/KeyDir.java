package io.quorumkv.storage.bitcask.keydir;

import io.quorumkv.storage.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

/**
 * The in-memory key directory: every live key mapped to the location of its newest record, sorted
 * by unsigned byte order so scans need no sorting.
 *
 * <p>Point lookups take no lock. Mutations that must appear together (one commit group, one merge's
 * relocations) run inside {@link #exclusive}, under the write lock; {@link #snapshot} copies a
 * range under the read lock. That is what makes a batch atomic to scans. Keys are owned by the
 * directory: callers must not mutate a key after handing it over.
 */
public final class KeyDir {

  private final ConcurrentSkipListMap<byte[], KeyDirEntry> map =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** One key and its entry, as a snapshot holds them. */
  public record Slot(byte[] key, KeyDirEntry entry) {}

  /** The entry of {@code key}, or {@code null}. Lock-free. */
  public KeyDirEntry get(byte[] key) {
    return map.get(key);
  }

  /** The number of live keys. */
  public int size() {
    return map.size();
  }

  /** Runs {@code mutation} under the write lock; scans see all of it or none of it. */
  public void exclusive(Runnable mutation) {
    lock.writeLock().lock();
    try {
      mutation.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Maps {@code key} to {@code entry}; returns the previous entry. Call inside {@link #exclusive}.
   */
  public KeyDirEntry put(byte[] key, KeyDirEntry entry) {
    return map.put(key, entry);
  }

  /** Removes {@code key}; returns the previous entry. Call inside {@link #exclusive}. */
  public KeyDirEntry remove(byte[] key) {
    return map.remove(key);
  }

  /**
   * Replaces the entry of {@code key} with {@code update} only if it is still {@code expected} (by
   * identity). Call inside {@link #exclusive}.
   */
  public boolean compareAndSet(byte[] key, KeyDirEntry expected, KeyDirEntry update) {
    return map.replace(key, expected, update);
  }

  /**
   * Copies the keys and entries within {@code range}, in order, as of one instant; {@code onSlot}
   * runs for each under the read lock (so it may pin what the entry points at).
   */
  public List<Slot> snapshot(KeyRange range, BiConsumer<byte[], KeyDirEntry> onSlot) {
    List<Slot> out = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (Map.Entry<byte[], KeyDirEntry> e : view(range).entrySet()) {
        onSlot.accept(e.getKey(), e.getValue());
        out.add(new Slot(e.getKey(), e.getValue()));
      }
    } finally {
      lock.readLock().unlock();
    }
    return out;
  }

  /** Visits every entry, without locking; for recovery and statistics. */
  public void forEach(BiConsumer<byte[], KeyDirEntry> visitor) {
    map.forEach(visitor);
  }

  private NavigableMap<byte[], KeyDirEntry> view(KeyRange range) {
    if (range.start() == null && range.end() == null) {
      return map;
    } else if (range.start() == null) {
      return map.headMap(range.end(), false);
    } else if (range.end() == null) {
      return map.tailMap(range.start(), true);
    }
    return map.subMap(range.start(), true, range.end(), false);
  }
}
