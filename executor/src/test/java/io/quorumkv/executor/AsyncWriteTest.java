package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single-key writes started without blocking ({@link PreparedSql#executeAsync}): every statement
 * runs on two identical engines, asynchronously on one and blocking on the other, and must give the
 * same result or error with one store round; anything else, or a plan that cannot be checked
 * without reading the catalog, returns null without touching the store.
 */
class AsyncWriteTest {

  /**
   * Counts the updates of table rows (catalog keys pass uncounted); can fail them after applying
   * (an outcome the caller cannot know) and hold their answers until released.
   */
  static final class CountingStore implements KeyValueStore {
    final LocalKeyValueStore delegate = new LocalKeyValueStore();
    final AtomicInteger rowUpdates = new AtomicInteger();
    final AtomicInteger applied = new AtomicInteger();
    final List<Runnable> held = new CopyOnWriteArrayList<>();
    volatile RuntimeException failAfterApplying;
    volatile boolean holding;

    @Override
    public CompletableFuture<VersionedValue> get(byte[] key) {
      return delegate.get(key);
    }

    @Override
    public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
      return delegate.scan(start, end, limit);
    }

    @Override
    public CompletableFuture<WriteOutcome> update(
        byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
      if (StoreCatalog.isSystemKey(key)) {
        return delegate.update(key, decide, requestId);
      }
      rowUpdates.incrementAndGet();
      if (!holding) {
        return round(key, decide, requestId);
      }
      CompletableFuture<WriteOutcome> answer = new CompletableFuture<>();
      held.add(
          () ->
              round(key, decide, requestId)
                  .whenComplete(
                      (o, e) -> {
                        if (e != null) {
                          answer.completeExceptionally(e);
                        } else {
                          answer.complete(o);
                        }
                      }));
      return answer;
    }

    private CompletableFuture<WriteOutcome> round(
        byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
      CompletableFuture<WriteOutcome> r = delegate.update(key, decide, requestId);
      r.thenAccept(
          o -> {
            if (o.applied()) {
              applied.incrementAndGet();
            }
          });
      RuntimeException failure = failAfterApplying;
      return failure == null ? r : r.thenCompose(o -> CompletableFuture.failedFuture(failure));
    }

    void release() {
      holding = false;
      held.forEach(Runnable::run);
      held.clear();
    }
  }

  /** An engine over its own counting store, with a schema lease on a clock moved by hand. */
  static final class Twin {
    final CountingStore store = new CountingStore();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final SqlEngine engine =
        new SqlEngine(
            store,
            new AtomicLong()::incrementAndGet,
            new SchemaLease(
                Duration.ofSeconds(1), 0.01, Duration.ofMillis(50), clock::get, clock::addAndGet));
    final SqlSession session = engine.openSession();
  }

  private final Twin async = new Twin();
  private final Twin sync = new Twin();

  /** Runs a statement on both engines, blocking. */
  private void setup(String sql, Object... params) {
    async.session.execute(sql, params);
    sync.session.execute(sql, params);
  }

  @BeforeEach
  void tables() {
    setup("CREATE TABLE acct (id BIGINT PRIMARY KEY, v BIGINT, note VARCHAR(5))");
    setup("INSERT INTO acct VALUES (1, 10, 'a'), (2, 20, NULL)");
    async.store.rowUpdates.set(0);
    async.store.applied.set(0);
  }

  /**
   * Executes {@code sql} asynchronously on one engine and blocking on the other; asserts they agree
   * and that the asynchronous one asked the store once.
   */
  private StatementResult both(String sql, Object... params) {
    int before = async.store.rowUpdates.get();
    CompletableFuture<StatementResult> started =
        async.session.prepare(sql).executeAsync(Arrays.asList(params));
    assertThat(started).as("started without blocking: %s", sql).isNotNull();
    StatementResult a = started.join();
    StatementResult s = sync.session.prepare(sql).execute(params);
    assertSameResult(a, s);
    assertThat(async.store.rowUpdates.get() - before).as("rounds of %s", sql).isEqualTo(1);
    assertSameRows();
    return a;
  }

  private static void assertSameResult(StatementResult a, StatementResult s) {
    assertThat(a).isNotNull();
    if (s instanceof StatementResult.UpdateCount) {
      assertThat(a).isEqualTo(s);
      return;
    }
    assertThat(a).isInstanceOf(StatementResult.Rows.class);
    StatementResult.Rows ar = (StatementResult.Rows) a;
    StatementResult.Rows sr = (StatementResult.Rows) s;
    assertThat(ar.columns()).isEqualTo(sr.columns());
    assertThat(Arrays.deepEquals(ar.rows().toArray(), sr.rows().toArray()))
        .as("%s vs %s", ar, sr)
        .isTrue();
  }

  private void assertSameRows() {
    List<KeyValueStore.Entry> a = async.store.delegate.dump();
    List<KeyValueStore.Entry> s = sync.store.delegate.dump();
    assertThat(a).hasSameSizeAs(s);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).key()).isEqualTo(s.get(i).key());
      assertThat(a.get(i).value().value()).isEqualTo(s.get(i).value().value());
      assertThat(a.get(i).value().version()).isEqualTo(s.get(i).value().version());
    }
  }

  private static Object[] only(StatementResult r) {
    return ((StatementResult.Rows) r).rows().get(0);
  }

  @Test
  void conditionalUpdateAppliedAndNotApplied() {
    String cas = "UPDATE acct SET v = ? WHERE id = ? IF v = ?";
    assertThat(only(both(cas, 11L, 1L, 10L))).containsExactly(true, null, null, null, null);
    // Not applied: the row as the round saw it.
    assertThat(only(both(cas, 12L, 1L, 10L))).containsExactly(false, 1L, 11L, "a", 2L);
    assertThat(only(both(cas, 12L, 9L, 10L))).containsExactly(false, null, null, null, null);
    // A NULL key matches no row, without a round on either path.
    assertThat(only(async.session.prepare(cas).executeAsync(Arrays.asList(1L, null, 1L)).join()))
        .containsExactly(false, null, null, null, null);

    String optimistic = "UPDATE acct SET note = ? WHERE id = ? AND v = ?";
    assertThat(both(optimistic, "b", 1L, 11L)).isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(both(optimistic, "c", 1L, 10L)).isEqualTo(new StatementResult.UpdateCount(0));

    String deleteIfExists = "DELETE FROM acct WHERE id = ? IF EXISTS";
    assertThat(only(both(deleteIfExists, 2L))).containsExactly(true, null, null, null, null);
    assertThat(only(both(deleteIfExists, 2L))).containsExactly(false, null, null, null, null);
  }

  @Test
  void insertIfNotExistsBothWays() {
    String insert = "INSERT INTO acct (id, v, note) VALUES (?, ?, ?) IF NOT EXISTS";
    assertThat(only(both(insert, 3L, 30L, "c"))).containsExactly(true, null, null, null, null);
    assertThat(only(both(insert, 3L, 31L, "d"))).containsExactly(false, 3L, 30L, "c", 1L);
  }

  @Test
  void plainWritesReportUpdateCounts() {
    assertThat(both("UPDATE acct SET v = v + ? WHERE id = ?", 5L, 1L))
        .isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(both("UPDATE acct SET v = v + ? WHERE id = ?", 5L, 9L))
        .isEqualTo(new StatementResult.UpdateCount(0));
    assertThat(both("DELETE FROM acct WHERE id = ?", 2L))
        .isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(both("DELETE FROM acct WHERE id = ?", 2L))
        .isEqualTo(new StatementResult.UpdateCount(0));
    assertThat(both("UPSERT INTO acct VALUES (?, ?, ?)", 2L, 22L, "x"))
        .isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(both("UPSERT INTO acct (id, note) VALUES (?, ?)", 1L, "y"))
        .isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(both("INSERT INTO acct VALUES (?, ?, ?)", 4L, 40L, "z"))
        .isEqualTo(new StatementResult.UpdateCount(1));
    assertThat(async.session.execute("SELECT v, note FROM acct WHERE id = ?", 1L).toString())
        .isEqualTo("Rows[V, NOTE]\n[15, y]");
  }

  /**
   * Runs on both engines; asserts both fail alike and the asynchronous one asked the store once.
   */
  private QueryException bothFail(String sql, Object... params) {
    int before = async.store.rowUpdates.get();
    CompletableFuture<StatementResult> started =
        async.session.prepare(sql).executeAsync(Arrays.asList(params));
    assertThat(started).isNotNull();
    Throwable a = catchThrowable(started::join);
    QueryException s =
        catchThrowableOfType(QueryException.class, () -> sync.session.prepare(sql).execute(params));
    assertThat(a).isInstanceOf(CompletionException.class);
    assertThat(a.getCause()).isInstanceOf(QueryException.class);
    QueryException q = (QueryException) a.getCause();
    assertThat(q.sqlState()).isEqualTo(s.sqlState());
    assertThat(q.getMessage()).isEqualTo(s.getMessage());
    assertThat(q.rowsWritten()).isEqualTo(s.rowsWritten());
    assertThat(async.store.rowUpdates.get() - before).isEqualTo(1);
    assertSameRows();
    return q;
  }

  @Test
  void errorsFoundInTheRoundAreTheFutures() {
    assertThat(bothFail("INSERT INTO acct VALUES (?, ?, ?)", 1L, 1L, "dup").sqlState())
        .isEqualTo(QueryException.UNIQUE_VIOLATION);
    // SET values are computed in the round, from the row as it is then.
    assertThat(bothFail("UPDATE acct SET v = v + ? WHERE id = ? IF v = ?", Long.MAX_VALUE, 1L, 10L))
        .extracting(QueryException::sqlState)
        .isEqualTo(QueryException.NUMERIC_OUT_OF_RANGE);
    assertThat(bothFail("UPDATE acct SET v = v * ? WHERE id = ?", Long.MAX_VALUE, 1L).sqlState())
        .isEqualTo(QueryException.NUMERIC_OUT_OF_RANGE);
  }

  @Test
  void errorsFoundBeforeTheStoreIsAskedAreThrownWithoutARound() {
    PreparedSql p = async.session.prepare("UPDATE acct SET v = ? WHERE id = ? IF v = ?");
    QueryException e =
        catchThrowableOfType(
            QueryException.class, () -> p.executeAsync(Arrays.asList("x", 1L, 10L)));
    assertThat(e).isNotNull();
    PreparedSql insert = async.session.prepare("INSERT INTO acct VALUES (?, ?, ?)");
    QueryException notNull =
        catchThrowableOfType(
            QueryException.class, () -> insert.executeAsync(Arrays.asList(null, 1L, "n")));
    assertThat(notNull.sqlState()).isEqualTo(QueryException.NOT_NULL_VIOLATION);
    assertThat(async.store.rowUpdates).hasValue(0);
  }

  @Test
  void storeFailuresSurfaceAsTheBlockingPathsDo() {
    async.store.failAfterApplying = new OutcomeUnknownException("replicas did not answer", null);
    sync.store.failAfterApplying = async.store.failAfterApplying;
    QueryException unknown = bothFail("UPDATE acct SET v = ? WHERE id = ? IF v = ?", 11L, 1L, 10L);
    assertThat(unknown.sqlState()).isEqualTo(QueryException.OUTCOME_UNKNOWN);
    assertThat(unknown.getMessage()).contains("replicas did not answer");
    assertThat(bothFail("INSERT INTO acct VALUES (?, ?, ?)", 5L, 1L, "u").sqlState())
        .isEqualTo(QueryException.OUTCOME_UNKNOWN);

    // Another failure reaches the caller as itself, on both paths.
    IllegalStateException down = new IllegalStateException("no quorum");
    async.store.failAfterApplying = down;
    sync.store.failAfterApplying = down;
    Throwable a =
        catchThrowable(
            () ->
                async
                    .session
                    .prepare("DELETE FROM acct WHERE id = ?")
                    .executeAsync(List.of(2L))
                    .join());
    Throwable s =
        catchThrowable(() -> sync.session.prepare("DELETE FROM acct WHERE id = ?").execute(2L));
    assertThat(a).isInstanceOf(CompletionException.class).hasCause(down);
    assertThat(s).isSameAs(down);
  }

  @Test
  void startsWithoutWaitingForTheStore() {
    PreparedSql p = async.session.prepare("UPDATE acct SET v = ? WHERE id = ? IF v = ?");
    async.store.holding = true;
    CompletableFuture<StatementResult> started = p.executeAsync(List.of(11L, 1L, 10L));
    assertThat(started).isNotDone();
    async.store.release();
    assertThat(only(started.join())).containsExactly(true, null, null, null, null);
    assertThat(async.store.rowUpdates).hasValue(1);
  }

  @Test
  void aStalePlanReturnsNullWithoutTouchingTheStore() {
    PreparedSql update = async.session.prepare("UPDATE acct SET v = ? WHERE id = ? IF v = ?");
    PreparedSql insert = async.session.prepare("INSERT INTO acct VALUES (?, ?, ?)");
    async.session.execute("ALTER TABLE acct ADD COLUMN extra INT");
    assertThat(update.executeAsync(List.of(11L, 1L, 10L))).isNull();
    assertThat(insert.executeAsync(List.of(7L, 70L, "s"))).isNull();
    assertThat(async.store.rowUpdates).hasValue(0);
    // The blocking path plans it again against the new definition.
    assertThat(((StatementResult.Rows) update.execute(11L, 1L, 10L)).columns())
        .extracting(ResultColumn::name)
        .containsExactly("applied", "ID", "V", "NOTE", "EXTRA", "_VERSION");

    PreparedSql delete = async.session.prepare("DELETE FROM acct WHERE id = ?");
    async.session.execute("DROP TABLE acct");
    int before = async.store.rowUpdates.get();
    assertThat(delete.executeAsync(List.of(1L))).isNull();
    assertThat(async.store.rowUpdates).hasValue(before);
    assertThat(catchThrowableOfType(QueryException.class, () -> delete.execute(1L)).sqlState())
        .isEqualTo(QueryException.UNDEFINED_TABLE);
  }

  @Test
  void aPlanPastItsLeaseReturnsNullWithoutTouchingTheStore() {
    PreparedSql update = async.session.prepare("UPDATE acct SET v = ? WHERE id = ?");
    async.clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(update.executeAsync(List.of(11L, 1L))).isNull();
    assertThat(async.store.rowUpdates).hasValue(0);
  }

  @Test
  void writesOfSeveralRowsOrNeedingTheCatalogReturnNull() {
    async.session.execute("CREATE TABLE log (msg VARCHAR(10))");
    for (String sql :
        List.of(
            "INSERT INTO acct VALUES (5, 1, 'a'), (6, 1, 'b')",
            "UPDATE acct SET v = 0 WHERE v > 5",
            "DELETE FROM acct WHERE note = 'a'",
            "INSERT INTO acct SELECT id + 10, v, note FROM acct WHERE id = 1",
            "INSERT INTO log VALUES ('hello')",
            "CREATE TABLE other (k INT PRIMARY KEY)",
            "SELECT * FROM acct WHERE v = 10")) {
      assertThat(async.session.prepare(sql).executeAsync(List.of())).as(sql).isNull();
    }
    assertThat(async.store.rowUpdates).hasValue(0);
  }

  @Test
  void aRowUnderANewerSchemaIsWrittenOnceUnderTheFreshDefinition() {
    // Another node adds a column and writes row 1 under it; this engine's lease still covers its
    // old definition, so the statement starts asynchronously, finds the newer row, reads the
    // catalog without blocking and runs the round again: the first round wrote nothing.
    SqlSession other =
        new SqlEngine(async.store, new AtomicLong(100)::incrementAndGet, SchemaLease.none())
            .openSession();
    PreparedSql cas = async.session.prepare("UPDATE acct SET v = ? WHERE id = ? IF v = ?");
    other.execute("ALTER TABLE acct ADD COLUMN extra INT");
    other.execute("UPSERT INTO acct VALUES (1, 10, 'a', 7)");
    int rounds = async.store.rowUpdates.get();
    int applied = async.store.applied.get();

    CompletableFuture<StatementResult> notApplied = cas.executeAsync(List.of(11L, 1L, 99L));
    assertThat(notApplied).isNotNull();
    StatementResult.Rows r = (StatementResult.Rows) notApplied.join();
    assertThat(r.columns()).isNotEqualTo(cas.resultColumns());
    assertThat(r.columns())
        .extracting(ResultColumn::name)
        .containsExactly("applied", "ID", "V", "NOTE", "EXTRA", "_VERSION");
    assertThat(r.rows().get(0)).containsExactly(false, 1L, 10L, "a", 7, 2L);
    assertThat(async.store.rowUpdates.get() - rounds).isEqualTo(2);
    assertThat(async.store.applied.get()).isEqualTo(applied);

    // Now current again: the refreshed definition is cached, the prepared plan is stale.
    assertThat(cas.executeAsync(List.of(11L, 1L, 10L))).isNull();
    PreparedSql again = async.session.prepare("UPDATE acct SET v = ? WHERE id = ? IF v = ?");
    assertThat(only(again.executeAsync(List.of(11L, 1L, 10L)).join()))
        .containsExactly(true, null, null, null, null, null);
    assertThat(async.store.applied.get()).isEqualTo(applied + 1);
  }
}
