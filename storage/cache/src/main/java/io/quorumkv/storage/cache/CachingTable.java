package io.quorumkv.storage.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.util.concurrent.CompletableFuture;

/**
 * A table whose point reads go through the shared cache. Thread-safe.
 *
 * <p>Why a read never returns a value older than a completed write is argued in {@link
 * CachingEngine}.
 *
 * <p>Loads call the engine's {@code get} while Caffeine holds the key's bin, and invalidations run
 * on the engine's commit thread; this cannot deadlock because an engine's {@code get} never waits
 * for its commit thread.
 */
final class CachingTable implements Table {

  private final Table delegate;
  private final Cache<CacheKey, byte[]> cache;
  private final CachingEngine engine;
  private volatile boolean dropped;

  CachingTable(Table delegate, Cache<CacheKey, byte[]> cache, CachingEngine engine) {
    this.delegate = delegate;
    this.cache = cache;
    this.engine = engine;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /**
   * From the cache, or loaded from the engine atomically per key (concurrent misses of one key
   * share one engine read). An absent key is cached as absent.
   */
  @Override
  public byte[] get(byte[] key) {
    checkLive();
    byte[] v = cache.get(new CacheKey(this, key), this::load);
    return v == CachingEngine.ABSENT ? null : v.clone();
  }

  private byte[] load(CacheKey k) {
    byte[] v = delegate.get(k.key());
    return v == null ? CachingEngine.ABSENT : v;
  }

  /**
   * Invalidates the batch's keys, submits it to the engine, and invalidates them again once the
   * engine's future completes (successfully or not); the returned future completes after that.
   */
  @Override
  public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
    invalidate(batch);
    return delegate
        .writeAsync(batch, durability)
        .whenComplete((done, failure) -> invalidate(batch));
  }

  private void invalidate(WriteBatch batch) {
    for (WriteBatch.Mutation m : batch.mutations()) {
      cache.invalidate(new CacheKey(this, m.key()));
    }
  }

  /** Straight to the engine: a scan must see one consistent view, which the cache cannot give. */
  @Override
  public Scan scan(KeyRange range) {
    checkLive();
    return delegate.scan(range);
  }

  void markDropped() {
    dropped = true;
  }

  private void checkLive() {
    if (dropped || engine.isClosed()) {
      throw new StorageClosedException("table " + name() + " is closed");
    }
  }
}
