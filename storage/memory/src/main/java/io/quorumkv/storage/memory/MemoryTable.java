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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A table in a {@link ConcurrentSkipListMap}. Point reads take no lock; a batch is applied under
 * the write lock and a scan copies its range under the read lock, which is what makes batches
 * atomic to scans.
 */
final class MemoryTable implements Table {

  private final String name;
  private final AtomicLong writes;
  private final ConcurrentSkipListMap<byte[], byte[]> map =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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
    byte[] v = map.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    lock.writeLock().lock();
    try {
      for (WriteBatch.Mutation m : batch.mutations()) {
        if (m.isDelete()) {
          map.remove(m.key());
        } else {
          map.put(m.key(), m.value());
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
    writes.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Scan scan(KeyRange range) {
    checkOpen();
    List<KeyValue> copy = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (Map.Entry<byte[], byte[]> e : view(range).entrySet()) {
        copy.add(new KeyValue(e.getKey().clone(), e.getValue().clone()));
      }
    } finally {
      lock.readLock().unlock();
    }
    Iterator<KeyValue> it = copy.iterator();
    return new Scan() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  private NavigableMap<byte[], byte[]> view(KeyRange range) {
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
