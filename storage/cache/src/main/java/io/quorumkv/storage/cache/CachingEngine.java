package io.quorumkv.storage.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.TableNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Wraps a {@link StorageEngine} so point reads of all its tables are served from one Caffeine
 * cache, bounded by the bytes it holds. Keys found absent are cached too (negative entries), since
 * replication often reads Paxos state that was never written.
 *
 * <p><b>Freshness.</b> A {@link Table#get} never returns a value older than the newest value whose
 * write completed before the get started. Misses load through {@code Cache.get(key, loader)},
 * atomic per key. Writes invalidate their keys before they are submitted and again after the
 * engine's future completes, and the future returned to the caller completes only after that second
 * invalidation.
 *
 * <p><b>Why the after-invalidation cannot be overtaken by a stale load.</b> Let a write W of key k
 * complete (its returned future completes) before a read R of k starts. The returned future
 * completes only after the <i>after-invalidation</i> I of k, which runs once the engine's future
 * completed, i.e. once W is visible in the engine. A stale cache entry for k must come from a load
 * L (the loader of {@code Cache.get(key, loader)}) that read the engine before W was visible. There
 * are three cases:
 *
 * <ol>
 *   <li>L finished inserting before I ran: I removes the entry.
 *   <li>L was still computing when I ran: Caffeine's bounded cache removes through {@code
 *       ConcurrentHashMap.compute} on the same key, which blocks on the bin that the in-progress
 *       {@code computeIfAbsent} holds, so I waits for L to insert and then removes the entry. (The
 *       {@code Cache.invalidate} Javadoc leaves this case "undefined"; {@code CachingEngineTest}
 *       pins the blocking behaviour of the Caffeine version we ship, so an upgrade that changed it
 *       would fail the build rather than serve stale reads.)
 *   <li>L started computing after I had finished: L's engine read happens after W was visible, so
 *       it loads W's value or a newer one.
 * </ol>
 *
 * Every entry that R can find was therefore loaded after W became visible. The invalidation
 * <i>before</i> the write is submitted is not needed for this argument; it shortens the time in
 * which reads concurrent with the write still see the old value.
 *
 * <p><b>What is cached.</b> Only {@link Table#get}. Writes, scans, table creation and dropping go
 * to the engine. Durability is entirely the engine's; the cache holds nothing that is not in the
 * engine. Each entry weighs its key and value lengths plus {@value #ENTRY_OVERHEAD} bytes for the
 * entry's objects, and the cache evicts (Window TinyLFU) to stay within {@code maxBytes}.
 *
 * <p>Thread-safe. Closing this engine closes the wrapped engine.
 */
public final class CachingEngine implements StorageEngine {

  /**
   * Estimated heap bytes of one entry besides its key and value bytes: the cache key object and two
   * array headers (~48 bytes) and Caffeine's node with its eviction links (~48 bytes).
   */
  static final int ENTRY_OVERHEAD = 96;

  /** Stands for "the engine holds no value"; compared by identity, never returned. */
  static final byte[] ABSENT = new byte[0];

  private final StorageEngine delegate;
  private final long maxBytes;
  private final Cache<CacheKey, byte[]> cache;
  private final ConcurrentHashMap<String, CachingTable> tables = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Caches {@code delegate}'s reads in at most {@code maxBytes}; eviction work runs on the calling
   * threads, so the bound holds without a background thread.
   */
  public CachingEngine(StorageEngine delegate, long maxBytes) {
    this(delegate, maxBytes, Runnable::run);
  }

  /**
   * As {@link #CachingEngine(StorageEngine, long)}, with Caffeine's maintenance (eviction) run on
   * {@code executor}.
   */
  public CachingEngine(StorageEngine delegate, long maxBytes, Executor executor) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.maxBytes = maxBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((CacheKey k, byte[] v) -> weigh(k, v))
            .executor(executor)
            .recordStats()
            .build();
  }

  private static int weigh(CacheKey k, byte[] v) {
    long w = (long) k.key().length + v.length + ENTRY_OVERHEAD;
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  /** The wrapped engine. */
  public StorageEngine delegate() {
    return delegate;
  }

  /** The most bytes the cache holds, as weighed. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The kind of the wrapped engine: the cache changes no behaviour a caller could rely on. */
  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public Table table(String name) {
    TableNames.check(name);
    checkOpen();
    return tables.computeIfAbsent(name, n -> new CachingTable(delegate.table(n), cache, this));
  }

  @Override
  public List<String> tableNames() {
    checkOpen();
    return delegate.tableNames();
  }

  /** Drops the table in the engine, then forgets its cached entries and its handle. */
  @Override
  public boolean dropTable(String name) {
    checkOpen();
    boolean existed = delegate.dropTable(name);
    CachingTable t = tables.remove(name);
    if (t != null) {
      t.markDropped();
      cache.asMap().keySet().removeIf(k -> k.table() == t);
    }
    return existed;
  }

  /**
   * The engine's metrics plus {@code cache.hits}, {@code cache.misses}, {@code cache.evictions},
   * {@code cache.evicted.bytes}, {@code cache.entries} and {@code cache.bytes} (weighed bytes now
   * held).
   */
  @Override
  public Map<String, Long> metrics() {
    Map<String, Long> m = new TreeMap<>(delegate.metrics());
    CacheStats s = cache.stats();
    m.put("cache.hits", s.hitCount());
    m.put("cache.misses", s.missCount());
    m.put("cache.evictions", s.evictionCount());
    m.put("cache.evicted.bytes", s.evictionWeight());
    m.put("cache.entries", cache.estimatedSize());
    m.put(
        "cache.bytes", cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L));
    return m;
  }

  /** Closes the wrapped engine and empties the cache. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      delegate.close();
    } finally {
      tables.values().forEach(CachingTable::markDropped);
      tables.clear();
      cache.invalidateAll();
      cache.cleanUp();
    }
  }

  /** Runs Caffeine's pending maintenance (eviction) now. For tests. */
  void cleanUp() {
    cache.cleanUp();
  }

  boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageClosedException("caching engine over " + delegate.kind() + " is closed");
    }
  }
}
