package io.quorumkv.executor.catalog;

import io.quorumkv.executor.encoding.KeyEncoder;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.KeyValueStore.RequestId;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.CatalogReader;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.SchemaException;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.TableDefCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog, kept in the replicated store itself under the reserved table id {@value
 * #SYSTEM_TABLE_ID}, so every node sees the same schema and every schema change is one linearizable
 * read-modify-write:
 *
 * <ul>
 *   <li>{@code [0 0 0 0] 0x01} holds the next table id (8 bytes); ids are allocated by a
 *       read-modify-write on it and never reused, so a dropped table's rows can never reappear
 *       under a new table of the same name.
 *   <li>{@code [0 0 0 0] 0x02 <name, UTF-8>} holds one table's {@link TableDefCodec definition};
 *       CREATE, DROP and ALTER are each one {@code update} of this key.
 *   <li>{@code [0 0 0 0] 0x03 <table id>} holds the next hidden row id of a key-less table.
 * </ul>
 *
 * <p>Lookups ({@link #table}) use a definition this node read within its {@link SchemaLease}; an
 * expired or missing one is read again (one linearizable read). Absence is never cached. Every
 * schema change (CREATE, DROP, ALTER), once its catalog write committed, waits out the lease before
 * it returns, so a statement that starts after a DDL returned, on any node, runs against the new
 * schema; executor/CATALOG.md has the argument and what a statement running across a DDL can see.
 * {@link #fresh} always reads. Thread-safe.
 */
public final class StoreCatalog implements CatalogReader {

  private static final Logger LOG = LoggerFactory.getLogger(StoreCatalog.class);

  /** The table id reserved for the catalog's own keys. */
  public static final int SYSTEM_TABLE_ID = 0;

  /** The engine of a table created without {@code WITH (engine = ...)}. */
  public static final String DEFAULT_ENGINE = "lsm";

  private static final byte NEXT_TABLE_ID = 0x01;
  private static final byte TABLE = 0x02;
  private static final byte NEXT_ROW_ID = 0x03;

  private final KeyValueStore store;
  private final Supplier<RequestId> requestIds;
  private final SchemaLease lease;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  /** A definition, its catalog entry's version and when the read that fetched it started. */
  private record Cached(long version, TableDef table, long fetchStartNanos) {}

  /**
   * A catalog over {@code store}.
   *
   * @param requestIds request ids for the catalog's own writes
   * @param lease how long this node may use a definition it read, and how long DDL waits
   */
  public StoreCatalog(KeyValueStore store, Supplier<RequestId> requestIds, SchemaLease lease) {
    this.store = store;
    this.requestIds = requestIds;
    this.lease = lease;
  }

  /** The lease this catalog uses. */
  public SchemaLease lease() {
    return lease;
  }

  /** The first bytes of every key of table {@code id}. */
  public static byte[] tablePrefix(int id) {
    return ByteBuffer.allocate(4).putInt(id).array();
  }

  /** The key of a row: table prefix followed by the order-preserving encoding of its key. */
  public static byte[] rowKey(TableDef table, List<?> keyValues) {
    byte[] k = KeyEncoder.encode(table.keyTypes(), keyValues);
    return ByteBuffer.allocate(4 + k.length).putInt(table.id()).put(k).array();
  }

  private static byte[] systemKey(byte kind, byte[] rest) {
    return ByteBuffer.allocate(5 + rest.length).putInt(SYSTEM_TABLE_ID).put(kind).put(rest).array();
  }

  /** The catalog key of a table's definition. */
  static byte[] tableKey(String name) {
    return systemKey(TABLE, name.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The table's definition as of some moment after the start of the last lease period: from this
   * node's cache while the read that fetched it started less than the lease length ago, else read
   * from the store (one linearizable read). Always at least as new as the last DDL on the table
   * that returned before this call began.
   */
  @Override
  public Optional<TableDef> table(String name) {
    Cached c = cache.get(name);
    if (c != null && lease.enabled() && lease.usable(c.fetchStartNanos())) {
      return Optional.of(c.table());
    }
    return fresh(name);
  }

  /**
   * The table's definition if this node holds it within its lease, else null (not known without
   * reading the store). Never blocks.
   */
  public TableDef cached(String name) {
    Cached c = cache.get(name);
    return c != null && lease.enabled() && lease.usable(c.fetchStartNanos()) ? c.table() : null;
  }

  /**
   * The table's definition read from the store now (linearizable), bypassing the cache; for a
   * statement that found a row written under a newer schema than its own.
   */
  public Optional<TableDef> fresh(String name) {
    long start = lease.now();
    return remember(name, start, store.get(tableKey(name)).join());
  }

  /**
   * As {@link #fresh}, without blocking: completes on the store's thread when the read does, or
   * exceptionally with the store's failure.
   */
  public CompletableFuture<Optional<TableDef>> freshAsync(String name) {
    long start = lease.now();
    return store.get(tableKey(name)).thenApply(v -> remember(name, start, v));
  }

  /**
   * Caches {@code v}, the catalog entry of {@code name} read by a read started at {@code start}.
   */
  private Optional<TableDef> remember(String name, long start, VersionedValue v) {
    if (v == null) {
      cache.remove(name);
      return Optional.empty();
    }
    Cached c = cache.get(name);
    TableDef def =
        c != null && c.version() == v.version() ? c.table() : TableDefCodec.decode(v.value());
    if (lease.enabled()) {
      // Keep the newest fetch: a slow read that started earlier must not shorten the lease of a
      // later one, nor bring back an older definition.
      cache.merge(
          name,
          new Cached(v.version(), def, start),
          (old, mine) ->
              old.version() > mine.version()
                      || (old.version() == mine.version()
                          && old.fetchStartNanos() - mine.fetchStartNanos() > 0)
                  ? old
                  : mine);
    }
    return Optional.of(def);
  }

  /** Waits out every lease on the definitions before a catalog write that just committed. */
  private void awaitLeases() {
    lease.awaitDdlVisible(lease.now());
  }

  /**
   * The table, or the error a statement naming a missing table gets.
   *
   * @throws QueryException with SQLState {@link QueryException#UNDEFINED_TABLE}
   */
  public TableDef require(String name, io.quorumkv.parser.ast.SourcePos pos) {
    return table(name)
        .orElseThrow(
            () ->
                QueryException.at(
                    pos, QueryException.UNDEFINED_TABLE, "table " + name + " does not exist"));
  }

  @Override
  public List<TableDef> tables() {
    byte[] start = systemKey(TABLE, new byte[0]);
    byte[] end = systemKey((byte) (TABLE + 1), new byte[0]);
    List<TableDef> out = new ArrayList<>();
    Iterator<KeyValueStore.Entry> it = store.scan(start, end, Integer.MAX_VALUE);
    while (it.hasNext()) {
      out.add(TableDefCodec.decode(it.next().value().value()));
    }
    return out;
  }

  /**
   * Creates a table: allocates its id, then writes its definition if the name is free.
   *
   * @param build makes the definition from the allocated id
   * @return the new table, or empty if the name was taken and {@code ifNotExists}
   * @throws QueryException if the name is taken (and not {@code ifNotExists})
   */
  public Optional<TableDef> create(
      String name, Function<Integer, TableDef> build, boolean ifNotExists) {
    if (store.get(tableKey(name)).join() != null) {
      return taken(name, ifNotExists);
    }
    int id = allocateTableId();
    TableDef def = build.apply(id);
    byte[] bytes = TableDefCodec.encode(def);
    WriteOutcome outcome =
        store
            .update(
                tableKey(name),
                current -> current == null ? new Mutation.Put(bytes) : Mutation.SKIP,
                requestIds.get())
            .join();
    if (!outcome.applied()) {
      // Lost a race with another CREATE of the same name; the id stays unused.
      return taken(name, ifNotExists);
    }
    LOG.debug("created table {} with id {}", name, id);
    cache.remove(name);
    awaitLeases();
    return Optional.of(def);
  }

  private static Optional<TableDef> taken(String name, boolean ifNotExists) {
    if (ifNotExists) {
      return Optional.empty();
    }
    throw new QueryException(QueryException.DUPLICATE_TABLE, "table " + name + " already exists");
  }

  private int allocateTableId() {
    WriteOutcome o =
        store
            .update(
                systemKey(NEXT_TABLE_ID, new byte[0]),
                current -> new Mutation.Put(longBytes(readLong(current, 0) + 1)),
                requestIds.get())
            .join();
    long id = readLong(o.current(), 0);
    if (id > Integer.MAX_VALUE) {
      throw new QueryException(QueryException.DATA_EXCEPTION, "table ids are exhausted");
    }
    return (int) id;
  }

  /**
   * Drops a table: removes its definition (the moment the drop takes effect), then deletes its
   * rows. Its id is never reused, so the rows are unreachable from that moment on; deleting them is
   * a clean-up that a crash may interrupt, leaving unreachable keys behind (a sweeper can find them
   * because their id is not in the catalog).
   *
   * @return whether a table was dropped
   * @throws QueryException if the table does not exist and not {@code ifExists}
   */
  public boolean drop(String name, boolean ifExists) {
    AtomicReference<TableDef> dropped = new AtomicReference<>();
    WriteOutcome outcome =
        store
            .update(
                tableKey(name),
                current -> {
                  dropped.set(current == null ? null : TableDefCodec.decode(current.value()));
                  return current == null ? Mutation.SKIP : Mutation.DELETE;
                },
                requestIds.get())
            .join();
    cache.remove(name);
    if (!outcome.applied()) {
      if (ifExists) {
        return false;
      }
      throw new QueryException(QueryException.UNDEFINED_TABLE, "table " + name + " does not exist");
    }
    // Purged after the wait, so statements still running on the old definition find its rows
    // for as long as any node may still start one.
    awaitLeases();
    purgeRows(dropped.get().id());
    return true;
  }

  private void purgeRows(int id) {
    byte[] start = tablePrefix(id);
    byte[] end = tablePrefix(id + 1);
    long n = 0;
    Iterator<KeyValueStore.Entry> it = store.scan(start, end, Integer.MAX_VALUE);
    while (it.hasNext()) {
      store.update(it.next().key(), current -> Mutation.DELETE, requestIds.get()).join();
      n++;
    }
    store
        .update(
            systemKey(NEXT_ROW_ID, tablePrefix(id)), current -> Mutation.DELETE, requestIds.get())
        .join();
    LOG.debug("deleted {} rows of dropped table {}", n, id);
  }

  /**
   * Adds a column, as one read-modify-write of the table's definition.
   *
   * @throws QueryException if the table does not exist or the column cannot be added
   */
  public TableDef addColumn(String name, ColumnDef column) {
    AtomicReference<RuntimeException> error = new AtomicReference<>();
    AtomicReference<TableDef> changed = new AtomicReference<>();
    WriteOutcome outcome =
        store
            .update(
                tableKey(name),
                current -> {
                  error.set(null);
                  if (current == null) {
                    error.set(
                        new QueryException(
                            QueryException.UNDEFINED_TABLE, "table " + name + " does not exist"));
                    return Mutation.SKIP;
                  }
                  try {
                    TableDef next = TableDefCodec.decode(current.value()).withColumn(column);
                    changed.set(next);
                    return new Mutation.Put(TableDefCodec.encode(next));
                  } catch (SchemaException e) {
                    error.set(
                        new QueryException(
                            e.getMessage().contains("already has")
                                ? QueryException.DUPLICATE_COLUMN
                                : QueryException.INVALID_STATEMENT,
                            e.getMessage()));
                    return Mutation.SKIP;
                  }
                },
                requestIds.get())
            .join();
    if (!outcome.applied()) {
      throw error.get();
    }
    cache.remove(name);
    awaitLeases();
    return changed.get();
  }

  /**
   * Reserves {@code count} consecutive hidden row ids for a key-less table.
   *
   * @return the first id of the block
   */
  public long reserveRowIds(int tableId, int count) {
    WriteOutcome o =
        store
            .update(
                systemKey(NEXT_ROW_ID, tablePrefix(tableId)),
                current -> new Mutation.Put(longBytes(readLong(current, 1) + count)),
                requestIds.get())
            .join();
    return readLong(o.current(), 0) - count;
  }

  private static long readLong(VersionedValue v, long absent) {
    return v == null ? absent : ByteBuffer.wrap(v.value()).getLong();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** Whether {@code key} belongs to the catalog rather than to a table. */
  public static boolean isSystemKey(byte[] key) {
    return key.length >= 4 && Arrays.equals(key, 0, 4, tablePrefix(SYSTEM_TABLE_ID), 0, 4);
  }
}
