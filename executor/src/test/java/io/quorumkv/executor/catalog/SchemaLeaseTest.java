package io.quorumkv.executor.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The schema lease with manual clocks: when a node reads its catalog again, and that a DDL returns
 * only after every node's lease on the old definition ran out, with clocks drifting the worst
 * allowed way. Time moves only when a test (or the DDL's sleeper) moves it.
 */
class SchemaLeaseTest {

  private static final Duration LENGTH = Duration.ofMillis(1_000);
  private static final double DRIFT = 0.01;
  private static final Duration MARGIN = Duration.ofMillis(50);

  /** Real time in nanoseconds, advanced by hand. */
  private final AtomicLong real = new AtomicLong(1_000_000_000L);

  private final CountingStore store = new CountingStore(new LocalKeyValueStore());
  private final AtomicLong requests = new AtomicLong();

  /** A catalog on its own node whose clock runs at {@code rate} times real time. */
  private StoreCatalog node(double rate, List<Long> sleeps) {
    LongSupplier clock = () -> (long) (real.get() * rate);
    SchemaLease lease =
        new SchemaLease(
            LENGTH,
            DRIFT,
            MARGIN,
            clock,
            nanos -> {
              sleeps.add(nanos);
              // The sleeping node's clock advances by nanos: real time by nanos / rate.
              real.addAndGet((long) Math.ceil(nanos / rate));
            });
    return new StoreCatalog(
        store, () -> new KeyValueStore.RequestId(7, requests.incrementAndGet()), lease);
  }

  private static Function<Integer, TableDef> table(String name) {
    return id ->
        TableDef.create(
            id, name, List.of(ColumnDef.of("K", ColumnType.INTEGER, false)), List.of("K"), "lsm");
  }

  private void advance(Duration d) {
    real.addAndGet(d.toNanos());
  }

  @Test
  void aDefinitionIsReadOnceAndUsedUntilItsLeaseRunsOut() {
    StoreCatalog a = node(1, new ArrayList<>());
    a.create("T", table("T"), false);
    StoreCatalog b = node(1, new ArrayList<>());
    int gets = store.gets.get();
    assertThat(b.table("T")).isPresent();
    assertThat(store.gets.get()).isEqualTo(gets + 1);
    advance(LENGTH.minusNanos(1));
    assertThat(b.table("T")).isPresent();
    assertThat(store.gets.get()).as("still within the lease").isEqualTo(gets + 1);
    advance(Duration.ofNanos(1));
    assertThat(b.table("T")).isPresent();
    assertThat(store.gets.get()).as("lease ran out: read again").isEqualTo(gets + 2);
  }

  @Test
  void theLeaseCountsFromTheStartOfTheRead() {
    StoreCatalog a = node(1, new ArrayList<>());
    a.create("T", table("T"), false);
    StoreCatalog b = node(1, new ArrayList<>());
    store.getDelay = Duration.ofMillis(400);
    b.table("T");
    store.getDelay = Duration.ZERO;
    int gets = store.gets.get();
    // 400 ms were spent in the read, so 600 ms after it returned the lease is over.
    advance(Duration.ofMillis(600));
    b.table("T");
    assertThat(store.gets.get()).isEqualTo(gets + 1);
  }

  @Test
  void absenceIsNeverCachedAndFreshAlwaysReads() {
    StoreCatalog b = node(1, new ArrayList<>());
    int gets = store.gets.get();
    assertThat(b.table("T")).isEmpty();
    assertThat(b.table("T")).isEmpty();
    assertThat(store.gets.get()).isEqualTo(gets + 2);
    node(1, new ArrayList<>()).create("T", table("T"), false);
    assertThat(b.table("T")).as("no cached absence hides a new table").isPresent();
    gets = store.gets.get();
    assertThat(b.fresh("T")).isPresent();
    assertThat(store.gets.get()).isEqualTo(gets + 1);
  }

  @Test
  void ddlWaitsTheLeaseStretchedByDriftTwiceAndTheMargin() {
    List<Long> sleeps = new ArrayList<>();
    StoreCatalog a = node(1, sleeps);
    a.create("T", table("T"), false);
    a.addColumn("T", ColumnDef.of("V", ColumnType.INTEGER, true));
    a.drop("T", false);
    long expected =
        (long) Math.ceil(LENGTH.toNanos() * (1 + DRIFT) * (1 + DRIFT)) + MARGIN.toNanos();
    assertThat(sleeps).containsExactly(expected, expected, expected);
    // Statements that fail change nothing and do not wait.
    a.drop("T", true);
    a.create("U", table("U"), false);
    sleeps.clear();
    a.create("U", table("U"), true);
    assertThat(sleeps).isEmpty();
  }

  /**
   * The worst case the wait is sized for: the reader's clock runs slow (its lease lasts longest in
   * real time), the DDL node's clock runs fast (its wait is shortest in real time), and the reader
   * fetched the old definition just before the DDL committed.
   */
  @Test
  void afterEachDdlReturnsEveryNodeSeesItEvenWithDriftingClocks() {
    List<Long> sleeps = new ArrayList<>();
    StoreCatalog ddlNode = node(1 + DRIFT, sleeps);
    StoreCatalog reader = node(1 / (1 + DRIFT), new ArrayList<>());

    ddlNode.create("T", table("T"), false);
    TableDef before = reader.table("T").orElseThrow();
    TableDef altered = ddlNode.addColumn("T", ColumnDef.of("V", ColumnType.INTEGER, true));
    assertThat(reader.table("T")).as("the ALTER returned").contains(altered);
    assertThat(altered.schemaVersion()).isGreaterThan(before.schemaVersion());

    reader.table("T");
    ddlNode.drop("T", false);
    assertThat(reader.table("T")).as("the DROP returned").isEmpty();

    // A reader that cached the previous incarnation of a name sees the new one once CREATE
    // returns, even when the DROP in between was on a third node that is still waiting.
    ddlNode.create("T", table("T"), false);
    TableDef first = reader.table("T").orElseThrow();
    store.delete("T");
    TableDef second = ddlNode.create("T", table("T"), false).orElseThrow();
    assertThat(second.id()).as("ids are never reused").isGreaterThan(first.id());
    assertThat(reader.table("T")).contains(second);
  }

  /** Counts gets and can make them take (manual) time. */
  private final class CountingStore implements KeyValueStore {
    private final LocalKeyValueStore inner;
    final AtomicInteger gets = new AtomicInteger();
    volatile Duration getDelay = Duration.ZERO;

    CountingStore(LocalKeyValueStore inner) {
      this.inner = inner;
    }

    /** Removes a table's catalog entry behind every catalog's back, as another node's DROP. */
    void delete(String name) {
      byte[] key = StoreCatalog.tableKey(name);
      inner.update(key, v -> Mutation.DELETE, new RequestId(8, requests.incrementAndGet())).join();
    }

    @Override
    public CompletableFuture<VersionedValue> get(byte[] key) {
      gets.incrementAndGet();
      advance(getDelay);
      return inner.get(key);
    }

    @Override
    public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
      return inner.scan(start, end, limit);
    }

    @Override
    public CompletableFuture<WriteOutcome> update(
        byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
      return inner.update(key, decide, requestId);
    }
  }
}
