package io.quorumkv.executor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.read.StoreRowSource;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.KeyValueStore.RequestId;
import io.quorumkv.executor.write.RowIdAllocator;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL front end of one node: owns the catalog view, hidden row ids and the prepared-plan cache
 * over one {@link KeyValueStore}, and opens {@link SqlSession}s. Create one per node (or per store
 * in tests) and share it between threads; the server and the JDBC layer open a session per
 * connection.
 *
 * <p>Plans are cached by statement text (Caffeine, bounded by count); a cached plan is used only
 * after checking that every table it was planned against still has the same id and schema version
 * in the catalog (as of the {@link SchemaLease}), so DDL never leaves a stale plan in use.
 */
public final class SqlEngine {

  private static final Logger LOG = LoggerFactory.getLogger(SqlEngine.class);

  /** Prepared statements kept per engine. */
  static final int PLAN_CACHE_SIZE = 1_000;

  private final KeyValueStore store;
  private final StoreCatalog catalog;
  private final RowIdAllocator rowIds;
  private final LongSupplier clientIds;
  private final Cache<String, CompiledStatement> plans;
  private final RequestIdSource ownRequests;
  private final StoreRowSource rowSource;

  /**
   * An engine over {@code store}; client ids of sessions come from a secure random source, the
   * schema lease is {@link SchemaLease#configured()}.
   */
  public SqlEngine(KeyValueStore store) {
    this(store, new SecureRandom()::nextLong);
  }

  /** An engine over {@code store} with the {@link SchemaLease#configured() configured} lease. */
  public SqlEngine(KeyValueStore store, LongSupplier clientIds) {
    this(store, clientIds, SchemaLease.configured());
  }

  /**
   * An engine over {@code store}.
   *
   * @param clientIds the identity of each new session for the store's request de-duplication; must
   *     not repeat across sessions of any node (hence random by default)
   * @param lease how long the engine may use a table definition without reading the catalog again;
   *     every engine on the same store must use the same lease (or a longer DDL wait)
   */
  public SqlEngine(KeyValueStore store, LongSupplier clientIds, SchemaLease lease) {
    this.store = Objects.requireNonNull(store, "store");
    this.clientIds = Objects.requireNonNull(clientIds, "clientIds");
    this.ownRequests = new RequestIdSource(clientIds.getAsLong());
    this.catalog = new StoreCatalog(store, ownRequests, Objects.requireNonNull(lease, "lease"));
    this.rowIds = new RowIdAllocator(catalog);
    this.rowSource = new StoreRowSource(store, catalog);
    this.plans = Caffeine.newBuilder().maximumSize(PLAN_CACHE_SIZE).build();
  }

  /** Opens a session; sessions are cheap, and one must be used by one thread at a time. */
  public SqlSession openSession() {
    return new SqlSession(this, new RequestIdSource(clientIds.getAsLong()));
  }

  /**
   * Plans and runs a few statements of every kind on a private in-memory engine, so the first
   * statements a node serves do not pay the SQL layer's cold start (class loading and Calcite's
   * planner and code generator, seconds on a cold JVM). Touches no shared state; call it on a
   * background thread when a node starts.
   */
  public static void warmUp() {
    long start = System.nanoTime();
    SqlSession s =
        new SqlEngine(
                new io.quorumkv.executor.store.LocalKeyValueStore(),
                new AtomicLong()::incrementAndGet,
                SchemaLease.none())
            .openSession();
    s.execute("CREATE TABLE warm (k BIGINT PRIMARY KEY, v BIGINT, s VARCHAR(10))");
    s.execute("INSERT INTO warm (k, v, s) VALUES (?, ?, ?)", 1L, 1L, "a");
    s.execute("UPSERT INTO warm (k, v) VALUES (?, ?)", 2L, 2L);
    s.execute("SELECT v FROM warm WHERE k = ?", 1L);
    s.execute("SELECT k, COUNT(*) FROM warm WHERE v > ? GROUP BY k ORDER BY k", 0L);
    s.execute("SELECT * FROM warm WHERE k = ? IF v = ?", 1L, 1L);
    s.execute("UPDATE warm SET v = ? WHERE k = ? IF v = ?", 2L, 1L, 1L);
    s.execute("DELETE FROM warm WHERE k = ?", 2L);
    LOG.info("SQL layer warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  KeyValueStore store() {
    return store;
  }

  /** The catalog this engine reads and changes. */
  public StoreCatalog catalog() {
    return catalog;
  }

  StoreRowSource rowSource() {
    return rowSource;
  }

  RowIdAllocator rowIds() {
    return rowIds;
  }

  Cache<String, CompiledStatement> plans() {
    return plans;
  }

  /** Request ids of one client: its id and a growing sequence. Thread-safe. */
  static final class RequestIdSource implements Supplier<RequestId> {
    private final long clientId;
    private final AtomicLong sequence = new AtomicLong();

    RequestIdSource(long clientId) {
      this.clientId = clientId;
    }

    @Override
    public RequestId get() {
      return new RequestId(clientId, sequence.incrementAndGet());
    }
  }
}
