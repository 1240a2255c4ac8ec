package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * A table as one RocksDB column family. Reads go straight to RocksDB under the engine's lifecycle
 * read lock; writes go through the engine's group committer. Thread-safe.
 */
final class RocksDbTable implements Table {

  private final RocksDbEngine engine;
  private final String name;
  private final ColumnFamilyHandle handle;
  private final Set<RocksDbScan> openScans = ConcurrentHashMap.newKeySet();

  /** Why the handle was freed (table dropped or engine closed), or null while it is live. */
  private volatile String releasedBecause;

  RocksDbTable(RocksDbEngine engine, String name, ColumnFamilyHandle handle) {
    this.engine = engine;
    this.name = name;
    this.handle = handle;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] get(byte[] key) {
    engine.lifecycle.readLock().lock();
    try {
      checkLive();
      return engine.db().get(handle, key);
    } catch (RocksDBException e) {
      throw RocksDbErrors.translate("get from table " + name, e);
    } finally {
      engine.lifecycle.readLock().unlock();
    }
  }

  /**
   * Queues the batch for the engine's commit thread. The future fails with {@link
   * StorageClosedException} if the table is dropped or the engine closed before the batch was
   * written, and with a {@link io.quorumkv.storage.StorageFailedException} if RocksDB refused the
   * write (after which the engine refuses all writes).
   */
  @Override
  public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
    if (releasedBecause != null || engine.isClosed()) {
      return CompletableFuture.failedFuture(closedException());
    }
    RocksDbEngine.Request r = new RocksDbEngine.Request(this, batch);
    return engine
        .submit(r, durability)
        .thenApply(
            done -> {
              if (r.rejected != null) {
                throw r.rejected;
              }
              return done;
            });
  }

  /**
   * An iterator over a RocksDB snapshot taken now, bounded natively by the range. The scan pins the
   * snapshot (and the SST files it needs) until it is closed.
   */
  @Override
  public Scan scan(KeyRange range) {
    engine.lifecycle.readLock().lock();
    try {
      checkLive();
      RocksDbScan s = new RocksDbScan(engine, this, range);
      openScans.add(s);
      return s;
    } finally {
      engine.lifecycle.readLock().unlock();
    }
  }

  ColumnFamilyHandle handle() {
    return handle;
  }

  boolean isReleased() {
    return releasedBecause != null;
  }

  void forget(RocksDbScan scan) {
    openScans.remove(scan);
  }

  /** Throws unless the handle is live. Call with the lifecycle lock held. */
  void checkLive() {
    engine.checkOpen();
    if (releasedBecause != null) {
      throw closedException();
    }
  }

  StorageClosedException closedException() {
    String why = releasedBecause;
    return new StorageClosedException(
        why != null ? why : "table " + name + " is closed: its engine is closed");
  }

  /**
   * Closes the open scans and frees the column family handle. Call with the lifecycle write lock
   * held.
   */
  void release(String why) {
    releasedBecause = why;
    for (RocksDbScan s : new ArrayList<>(openScans)) {
      s.release();
    }
    openScans.clear();
    handle.close();
  }
}
