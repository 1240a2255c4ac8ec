package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Point reads the node answers from the store's completion, without a worker thread: results, store
 * failures (answered as errors with their SQLState) and the connection's later requests.
 */
@Timeout(60)
class SqlServerPointReadTest {

  /** Fails gets of table rows (not catalog keys) while {@link #failing}. */
  private static final class FailingStore implements KeyValueStore {
    private final KeyValueStore delegate = new LocalKeyValueStore();
    volatile boolean failing;
    final Set<String> rowReaders = ConcurrentHashMap.newKeySet();

    @Override
    public CompletableFuture<VersionedValue> get(byte[] key) {
      if (!StoreCatalog.isSystemKey(key)) {
        rowReaders.add(Thread.currentThread().getName().replaceAll("[0-9]+", "N"));
      }
      if (failing && !StoreCatalog.isSystemKey(key)) {
        return CompletableFuture.failedFuture(
            new QueryException(QueryException.OUTCOME_UNKNOWN, "replicas did not answer"));
      }
      return delegate.get(key);
    }

    @Override
    public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
      return delegate.scan(start, end, limit);
    }

    @Override
    public CompletableFuture<WriteOutcome> update(
        byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
      return delegate.update(key, decide, requestId);
    }
  }

  private final FailingStore store = new FailingStore();
  private SqlServer server;
  private Connection conn;

  @BeforeEach
  void start() throws Exception {
    AtomicLong clients = new AtomicLong();
    server =
        SqlServer.start(
            0,
            new SqlEngine(store, clients::incrementAndGet, SchemaLease.of(Duration.ofSeconds(3))));
    conn = DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:" + server.address().getPort());
    try (Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(10))");
      s.execute("INSERT INTO t VALUES (1, 'one'), (2, NULL)");
    }
  }

  @AfterEach
  void stop() throws SQLException {
    conn.close();
    server.close();
  }

  private String read(PreparedStatement p, long id) throws SQLException {
    p.setLong(1, id);
    try (ResultSet rs = p.executeQuery()) {
      return rs.next() ? "row:" + rs.getString(1) : "none";
    }
  }

  @Test
  void answersRowsMissingRowsAndStoreFailures() throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      for (int round = 0; round < 3; round++) {
        assertThat(read(p, 1)).isEqualTo("row:one");
        assertThat(read(p, 2)).isEqualTo("row:null");
        assertThat(read(p, 3)).isEqualTo("none");
      }
      store.failing = true;
      SQLException e = catchThrowableOfType(SQLException.class, () -> read(p, 1));
      assertThat(e.getSQLState()).isEqualTo(QueryException.OUTCOME_UNKNOWN);
      assertThat(e.getMessage()).contains("replicas did not answer");
      store.failing = false;
      // The connection goes on: the next requests, of any kind, are answered in order.
      assertThat(read(p, 1)).isEqualTo("row:one");
      try (Statement s = conn.createStatement()) {
        assertThat(s.executeUpdate("UPDATE t SET v = 'uno' WHERE id = 1")).isEqualTo(1);
      }
      assertThat(read(p, 1)).isEqualTo("row:uno");
    }
    // Within the lease, point reads were started on the event loop, not on a worker.
    assertThat(store.rowReaders).contains("sql-io-N");
  }
}
