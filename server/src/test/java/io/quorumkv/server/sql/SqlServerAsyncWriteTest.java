package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.SqlSession;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Prepared single-key writes through the JDBC driver, which the node starts on its event loop and
 * answers from the store's completion: the same results and errors as on a worker, and exactly one
 * execution each, even when the store fails after applying or the result's columns differ from the
 * prepared ones.
 */
@Timeout(60)
class SqlServerAsyncWriteTest {

  /**
   * Counts the updates of table rows and the applied ones, records the threads that start them, and
   * can fail them after applying (an outcome the node cannot know).
   */
  private static final class CountingStore implements KeyValueStore {
    private final KeyValueStore delegate = new LocalKeyValueStore();
    final AtomicInteger rowUpdates = new AtomicInteger();
    final AtomicInteger applied = new AtomicInteger();
    final Set<String> writers = ConcurrentHashMap.newKeySet();
    volatile RuntimeException failAfterApplying;

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
      writers.add(Thread.currentThread().getName().replaceAll("[0-9]+", "N"));
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
  }

  private final CountingStore store = new CountingStore();

  /** Another node's session on the same store: it changes the schema without waiting out leases. */
  private final SqlSession otherNode =
      new SqlEngine(store, new AtomicLong(1_000)::incrementAndGet, SchemaLease.none())
          .openSession();

  private SqlServer server;
  private Connection conn;

  @BeforeEach
  void start() throws Exception {
    otherNode.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT, note VARCHAR(5))");
    otherNode.execute("INSERT INTO t VALUES (1, 10, 'a'), (2, 20, NULL)");
    // A lease longer than the test: every plan stays current unless this node sees a change.
    server =
        SqlServer.start(
            0,
            new SqlEngine(
                store, new AtomicLong()::incrementAndGet, SchemaLease.of(Duration.ofMinutes(5))));
    conn = DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:" + server.address().getPort());
    store.rowUpdates.set(0);
    store.applied.set(0);
    store.writers.clear();
  }

  @AfterEach
  void stop() throws SQLException {
    conn.close();
    server.close();
  }

  private static List<String> rows(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    ResultSetMetaData md = rs.getMetaData();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.append(i > 1 ? " " : "").append(md.getColumnLabel(i)).append('=');
        row.append(rs.getString(i));
      }
      out.add(row.toString());
    }
    return out;
  }

  private List<String> query(PreparedStatement p, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      p.setObject(i + 1, params[i]);
    }
    try (ResultSet rs = p.executeQuery()) {
      return rows(rs);
    }
  }

  private int update(PreparedStatement p, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      p.setObject(i + 1, params[i]);
    }
    return p.executeUpdate();
  }

  /** Asserts the executions since the last call asked the store {@code rounds} times. */
  private void assertRounds(int rounds) {
    assertThat(store.rowUpdates.getAndSet(0)).isEqualTo(rounds);
  }

  @Test
  void conditionalWritesAnswerAsBefore() throws SQLException {
    try (PreparedStatement cas = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?");
        PreparedStatement insert =
            conn.prepareStatement("INSERT INTO t (id, v, note) VALUES (?, ?, ?) IF NOT EXISTS");
        PreparedStatement delete = conn.prepareStatement("DELETE FROM t WHERE id = ? IF EXISTS")) {
      assertThat(query(cas, 11L, 1L, 10L))
          .containsExactly("applied=true ID=null V=null NOTE=null _VERSION=null");
      // Not applied: the row's current values.
      assertThat(query(cas, 12L, 1L, 10L))
          .containsExactly("applied=false ID=1 V=11 NOTE=a _VERSION=2");
      assertThat(update(cas, 12L, 1L, 11L)).isEqualTo(1);
      assertThat(update(cas, 13L, 1L, 11L)).isEqualTo(0);
      assertRounds(4);

      assertThat(update(insert, 3L, 30L, "c")).isEqualTo(1);
      assertThat(update(insert, 3L, 31L, "d")).isEqualTo(0);
      assertThat(query(insert, 3L, 32L, "e"))
          .containsExactly("applied=false ID=3 V=30 NOTE=c _VERSION=1");
      assertThat(query(insert, 4L, 40L, null))
          .containsExactly("applied=true ID=null V=null NOTE=null _VERSION=null");
      assertThat(update(delete, 4L)).isEqualTo(1);
      assertThat(update(delete, 4L)).isEqualTo(0);
      assertRounds(6);
    }
    // Every round was started on the event loop, none by a worker.
    assertThat(store.writers).containsExactly("sql-io-N");
    assertThat(store.applied).hasValue(5);
  }

  @Test
  void plainWritesAnswerUpdateCounts() throws SQLException {
    try (PreparedStatement set = conn.prepareStatement("UPDATE t SET v = v + ? WHERE id = ?");
        PreparedStatement delete = conn.prepareStatement("DELETE FROM t WHERE id = ?");
        PreparedStatement upsert = conn.prepareStatement("UPSERT INTO t (id, v) VALUES (?, ?)");
        PreparedStatement insert = conn.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
      assertThat(update(set, 5L, 1L)).isEqualTo(1);
      assertThat(update(set, 5L, 9L)).isEqualTo(0);
      assertThat(update(delete, 2L)).isEqualTo(1);
      assertThat(update(delete, 2L)).isEqualTo(0);
      assertThat(update(upsert, 2L, 22L)).isEqualTo(1);
      assertThat(update(insert, 5L, 50L, "e")).isEqualTo(1);
      assertRounds(6);
      SQLException dup =
          catchThrowableOfType(SQLException.class, () -> update(insert, 5L, 1L, "x"));
      assertThat(dup.getSQLState()).isEqualTo(QueryException.UNIQUE_VIOLATION);
      assertThat(dup.getMessage()).contains("duplicate key (ID=5)");
      assertRounds(1);
      // A bad value found before the store is asked: the worker runs it and reports it.
      SQLException tooLong =
          catchThrowableOfType(SQLException.class, () -> update(insert, 6L, 1L, "toolong"));
      assertThat(tooLong.getSQLState()).isEqualTo(QueryException.STRING_TOO_LONG);
      assertRounds(0);
    }
    try (PreparedStatement read = conn.prepareStatement("SELECT * FROM t WHERE id = ?")) {
      assertThat(query(read, 1L)).containsExactly("ID=1 V=15 NOTE=a");
      assertThat(query(read, 2L)).containsExactly("ID=2 V=22 NOTE=null");
    }
    assertThat(store.writers).containsExactly("sql-io-N");
  }

  @Test
  void aFailedWriteIsNotSentAgainByTheDriver() throws SQLException {
    // Statement errors must not carry Avatica's missing-connection code: with transparent
    // reconnection the driver would re-open the connection and send the execution again.
    try (PreparedStatement multi =
        conn.prepareStatement("INSERT INTO t VALUES (?, 1, 'x'), (?, 1, 'y')")) {
      SQLException e = catchThrowableOfType(SQLException.class, () -> update(multi, 9L, 1L));
      assertThat(e.getSQLState()).isEqualTo(QueryException.UNIQUE_VIOLATION);
      assertThat(e.getErrorCode()).isNotEqualTo(ErrorResponse.MISSING_CONNECTION_ERROR_CODE);
      // Row 9 written, row 1 a duplicate, on a worker; nothing after.
      assertRounds(2);
      assertThat(store.writers).containsExactly("sql-worker-N");
    }
  }

  @Test
  void aStoreFailureIsAnsweredOnceWithItsSqlState() throws SQLException {
    store.failAfterApplying = new OutcomeUnknownException("replicas did not answer", null);
    try (PreparedStatement cas = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?");
        PreparedStatement upsert = conn.prepareStatement("UPSERT INTO t (id, v) VALUES (?, ?)")) {
      SQLException e = catchThrowableOfType(SQLException.class, () -> query(cas, 11L, 1L, 10L));
      assertThat(e.getSQLState()).isEqualTo(QueryException.OUTCOME_UNKNOWN);
      assertThat(e.getMessage()).contains("may or may not have been applied");
      assertThat(e.getMessage()).contains("replicas did not answer");
      // Applied once and reported unknown: no worker ran it again.
      assertRounds(1);
      assertThat(store.applied).hasValue(1);

      e = catchThrowableOfType(SQLException.class, () -> update(upsert, 7L, 70L));
      assertThat(e.getSQLState()).isEqualTo(QueryException.OUTCOME_UNKNOWN);
      assertRounds(1);
      assertThat(store.applied).hasValue(2);

      // Another failure is answered as the worker would (an internal error), once too.
      store.failAfterApplying = new IllegalStateException("no quorum");
      e = catchThrowableOfType(SQLException.class, () -> update(upsert, 8L, 80L));
      assertThat(e.getSQLState()).isEqualTo(SqlErrors.INTERNAL_ERROR);
      assertRounds(1);
      assertThat(store.applied).hasValue(3);

      store.failAfterApplying = null;
      assertThat(query(cas, 12L, 1L, 11L))
          .containsExactly("applied=true ID=null V=null NOTE=null _VERSION=null");
      assertRounds(1);
    }
    assertThat(store.writers).containsExactly("sql-io-N");
  }

  @Test
  void aWriteWhoseColumnsDifferFromThePreparedOnesRunsOnce() throws SQLException {
    try (PreparedStatement cas =
        conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?")) {
      // Another node adds a column and writes row 1 under it; this node's lease still covers the
      // definition the statement was prepared with, so it starts on the event loop, finds the
      // newer row, reads the catalog and runs the round again (the first one wrote nothing).
      otherNode.execute("ALTER TABLE t ADD COLUMN extra INT");
      otherNode.execute("UPSERT INTO t VALUES (1, 10, 'a', 7)");
      store.rowUpdates.set(0);
      store.applied.set(0);
      store.writers.clear();
      assertThat(query(cas, 11L, 1L, 99L))
          .containsExactly("applied=false ID=1 V=10 NOTE=a EXTRA=7 _VERSION=2");
      assertRounds(2);
      assertThat(store.applied).hasValue(0);
      assertThat(store.writers).containsExactly("sql-io-N");

      // The plan is stale now: a worker plans it again and runs it, once.
      assertThat(query(cas, 11L, 1L, 10L))
          .containsExactly("applied=true ID=null V=null NOTE=null EXTRA=null _VERSION=null");
      assertRounds(1);
      assertThat(store.applied).hasValue(1);
      assertThat(query(cas, 12L, 1L, 10L))
          .containsExactly("applied=false ID=1 V=11 NOTE=a EXTRA=7 _VERSION=3");
      assertRounds(1);
    }
    // An applied write under a newer row's schema: two rounds, one write.
    try (PreparedStatement cas =
        conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?")) {
      otherNode.execute("ALTER TABLE t ADD COLUMN more INT");
      otherNode.execute("UPSERT INTO t VALUES (2, 20, 'b', 8, 9)");
      store.rowUpdates.set(0);
      store.applied.set(0);
      assertThat(query(cas, 21L, 2L, 20L))
          .containsExactly(
              "applied=true ID=null V=null NOTE=null EXTRA=null MORE=null" + " _VERSION=null");
      assertRounds(2);
      assertThat(store.applied).hasValue(1);
    }
    try (PreparedStatement read = conn.prepareStatement("SELECT v, more FROM t WHERE id = ?")) {
      assertThat(query(read, 2L)).containsExactly("V=21 MORE=9");
    }
  }
}
