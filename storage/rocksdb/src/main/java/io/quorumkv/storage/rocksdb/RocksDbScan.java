package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A scan over a RocksDB snapshot. The range's bounds are set natively ({@code iterate_lower_bound},
 * {@code iterate_upper_bound}), so RocksDB stops at the end of the range without reading past it.
 * Owns a snapshot, read options, up to two slices and an iterator; {@link #close()} frees all of
 * them, and the engine frees them itself if the table is dropped or the engine closed first (a
 * later call then throws {@link io.quorumkv.storage.StorageClosedException}).
 *
 * <p>Not thread-safe, like every {@link Scan}; it is safe against a concurrent engine close because
 * every step holds the engine's lifecycle read lock.
 */
final class RocksDbScan implements Scan {

  private final RocksDbEngine engine;
  private final RocksDbTable table;
  private final Snapshot snapshot;
  private final ReadOptions readOptions;
  private final Slice lower;
  private final Slice upper;
  private final RocksIterator iterator;
  private boolean freed;

  /** Call with the engine's lifecycle read lock held and the table live. */
  @SuppressWarnings("resource") // the slices and iterator are closed in free()
  RocksDbScan(RocksDbEngine engine, RocksDbTable table, KeyRange range) {
    this.engine = engine;
    this.table = table;
    this.snapshot = engine.db().getSnapshot();
    this.readOptions = new ReadOptions().setSnapshot(snapshot);
    this.lower = range.start() == null ? null : new Slice(range.start());
    this.upper = range.end() == null ? null : new Slice(range.end());
    if (lower != null) {
      readOptions.setIterateLowerBound(lower);
    }
    if (upper != null) {
      readOptions.setIterateUpperBound(upper);
    }
    this.iterator = engine.db().newIterator(table.handle(), readOptions);
    if (range.start() == null) {
      iterator.seekToFirst();
    } else {
      iterator.seek(range.start());
    }
  }

  @Override
  public boolean hasNext() {
    engine.lifecycle.readLock().lock();
    try {
      if (freed) {
        table.checkLive();
        return false;
      }
      if (iterator.isValid()) {
        return true;
      }
      // The iterator also stops on an error: tell the two apart.
      iterator.status();
      return false;
    } catch (RocksDBException e) {
      throw RocksDbErrors.translate("scan of table " + table.name(), e);
    } finally {
      engine.lifecycle.readLock().unlock();
    }
  }

  @Override
  public KeyValue next() {
    engine.lifecycle.readLock().lock();
    try {
      if (freed) {
        table.checkLive();
        throw new NoSuchElementException("scan is closed");
      }
      if (!iterator.isValid()) {
        iterator.status();
        throw new NoSuchElementException();
      }
      KeyValue kv = new KeyValue(iterator.key(), iterator.value());
      iterator.next();
      return kv;
    } catch (RocksDBException e) {
      throw RocksDbErrors.translate("scan of table " + table.name(), e);
    } finally {
      engine.lifecycle.readLock().unlock();
    }
  }

  @Override
  public void close() {
    engine.lifecycle.readLock().lock();
    try {
      release();
    } finally {
      engine.lifecycle.readLock().unlock();
    }
    table.forget(this);
  }

  /**
   * Frees the native objects: the iterator before the read options and slices it points to, the
   * snapshot last. Idempotent. Call with the lifecycle lock held (read or write).
   */
  synchronized void release() {
    if (freed) {
      return;
    }
    freed = true;
    iterator.close();
    readOptions.close();
    if (lower != null) {
      lower.close();
    }
    if (upper != null) {
      upper.close();
    }
    engine.db().releaseSnapshot(snapshot);
    snapshot.close();
  }
}
