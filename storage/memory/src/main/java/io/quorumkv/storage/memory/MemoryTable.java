package io.quorumkv.storage.memory;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A table in a {@link ConcurrentSkipListMap} of version chains, so scans are lazy and still see one
 * point in time.
 *
 * <p>Every batch gets the next sequence number and is applied under the write lock; a scan takes
 * the current sequence number under the read lock (so it falls between two batches) and, for each
 * key, reads the newest version not newer than that. Older versions are kept only as long as an
 * open scan may need them, and deleted keys stay as tombstones only while a scan is open. Point
 * reads take no lock and read the newest version.
 */
final class MemoryTable implements Table {

  /** One version of a key's value; {@code value == null} marks a delete. */
  private static final class Version {
    final long seq;
    final byte[] value;
    Version prev;

    Version(long seq, byte[] value, Version prev) {
      this.seq = seq;
      this.value = value;
      this.prev = prev;
    }
  }

  private final String name;
  private final AtomicLong writes;
  private final ConcurrentSkipListMap<byte[], Version> map =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** Open scans' sequence numbers with their counts; guarded by {@code snapshots} itself. */
  private final TreeMap<Long, Integer> snapshots = new TreeMap<>();

  /**
   * Keys written while a scan was open: they may hold older versions or a tombstone, dropped when
   * the last scan closes. Guarded by the write lock.
   */
  private final List<byte[]> chained = new ArrayList<>();

  /** The last batch's sequence number; written under the write lock. */
  private volatile long seq;

  private volatile boolean closed;

  MemoryTable(String name, AtomicLong writes) {
    this.name = name;
    this.writes = writes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Version v = map.get(key);
    return v == null || v.value == null ? null : v.value.clone();
  }

  @Override
  public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    lock.writeLock().lock();
    try {
      long s = seq + 1;
      long oldest = oldestSnapshot();
      for (WriteBatch.Mutation m : batch.mutations()) {
        Version head = map.get(m.key());
        if (oldest == Long.MAX_VALUE) {
          if (m.isDelete()) {
            map.remove(m.key());
          } else {
            map.put(m.key(), new Version(s, m.value(), null));
          }
          continue;
        }
        if (head == null && m.isDelete()) {
          continue;
        }
        if (head != null && head.seq == s) {
          // The same key twice in one batch: no scan can see the first one.
          head = head.prev;
        }
        map.put(m.key(), new Version(s, m.value(), trim(head, oldest)));
        chained.add(m.key());
      }
      seq = s;
    } finally {
      lock.writeLock().unlock();
    }
    writes.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Cuts the chain below the newest version an open scan as old as {@code oldest} can see; versions
   * older than that are invisible to every scan.
   */
  private static Version trim(Version head, long oldest) {
    for (Version v = head; v != null; v = v.prev) {
      if (v.seq <= oldest) {
        v.prev = null;
        break;
      }
    }
    return head;
  }

  private long oldestSnapshot() {
    synchronized (snapshots) {
      return snapshots.isEmpty() ? Long.MAX_VALUE : snapshots.firstKey();
    }
  }

  @Override
  public Scan scan(KeyRange range) {
    checkOpen();
    long snapshot;
    lock.readLock().lock();
    try {
      snapshot = seq;
      synchronized (snapshots) {
        snapshots.merge(snapshot, 1, Integer::sum);
      }
    } finally {
      lock.readLock().unlock();
    }
    return new SnapshotScan(view(range).entrySet().iterator(), snapshot);
  }

  /** Reads, lazily, the versions a snapshot sees. */
  private final class SnapshotScan implements Scan {
    private final Iterator<Map.Entry<byte[], Version>> it;
    private final long snapshot;
    private KeyValue next;
    private boolean closedScan;

    SnapshotScan(Iterator<Map.Entry<byte[], Version>> it, long snapshot) {
      this.it = it;
      this.snapshot = snapshot;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !closedScan && it.hasNext()) {
        Map.Entry<byte[], Version> e = it.next();
        Version v = e.getValue();
        while (v != null && v.seq > snapshot) {
          v = v.prev;
        }
        if (v != null && v.value != null) {
          next = new KeyValue(e.getKey().clone(), v.value.clone());
        }
      }
      return next != null;
    }

    @Override
    public KeyValue next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      KeyValue kv = next;
      next = null;
      return kv;
    }

    @Override
    public void close() {
      if (closedScan) {
        return;
      }
      closedScan = true;
      boolean last;
      synchronized (snapshots) {
        snapshots.compute(snapshot, (k, n) -> n == 1 ? null : n - 1);
        last = snapshots.isEmpty();
      }
      if (last) {
        dropOldVersions();
      }
    }
  }

  private void dropOldVersions() {
    lock.writeLock().lock();
    try {
      if (oldestSnapshot() != Long.MAX_VALUE) {
        return;
      }
      for (byte[] key : chained) {
        Version v = map.get(key);
        if (v != null && v.value == null) {
          map.remove(key);
        } else if (v != null) {
          v.prev = null;
        }
      }
      chained.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private NavigableMap<byte[], Version> view(KeyRange range) {
    if (range.start() == null && range.end() == null) {
      return map;
    } else if (range.start() == null) {
      return map.headMap(range.end(), false);
    } else if (range.end() == null) {
      return map.tailMap(range.start(), true);
    }
    return map.subMap(range.start(), true, range.end(), false);
  }

  void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private StorageClosedException closedException() {
    return new StorageClosedException("table " + name + " is closed");
  }
}
