package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two SQL endpoints over one store, as two nodes of a cluster: the driver fails over between the
 * seeds, a connection pool recovers, a write in flight when its node dies is reported as outcome
 * unknown and not retried, a read is retried, and garbage on the port closes only its connection.
 */
@Timeout(60)
class SqlFailoverTest {

  private static final SchemaLease LEASE = SchemaLease.of(Duration.ofMillis(20));

  private final AtomicLong clients = new AtomicLong();
  private final LocalKeyValueStore store = new LocalKeyValueStore();
  private final GatedStore gatedA = new GatedStore(store);
  private SqlServer a;
  private SqlServer b;

  @BeforeEach
  void start() throws Exception {
    a = SqlServer.start(0, new SqlEngine(gatedA, clients::incrementAndGet, LEASE));
    b = SqlServer.start(0, new SqlEngine(store, clients::incrementAndGet, LEASE));
    try (Connection c = DriverManager.getConnection(url());
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
      s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'a')");
    }
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  /** Seeds in order and no routing by key, so connections start and stay on node a. */
  private String url() {
    return "jdbc:quorumkv://127.0.0.1:"
        + a.address().getPort()
        + ",127.0.0.1:"
        + b.address().getPort()
        + "?seedOrder=ordered&routing=none&connectTimeout=2000";
  }

  private static String valueOf(Connection c, long id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void newStatementsGoToAnotherSeedWhenTheNodeDies() throws SQLException {
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement insert = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
      insert.setLong(1, 2);
      insert.setString(2, "on a");
      assertThat(insert.executeUpdate()).isEqualTo(1);
      assertThat(a.openConnections()).isEqualTo(1);
      a.close();
      // The prepared statement survives: node b prepares it again from its signature.
      insert.setLong(1, 3);
      insert.setString(2, "on b");
      assertThat(insert.executeUpdate()).isEqualTo(1);
      assertThat(b.openConnections()).isEqualTo(1);
      assertThat(valueOf(c, 2)).isEqualTo("on a");
      assertThat(valueOf(c, 3)).isEqualTo("on b");
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void writeInFlightWhenTheNodeDiesHasUnknownOutcomeAndIsNotRetried() throws Exception {
    try (Connection c = DriverManager.getConnection(url())) {
      gatedA.hold();
      CompletableFuture<Integer> update =
          CompletableFuture.supplyAsync(
              () -> {
                try (Statement s = c.createStatement()) {
                  return s.executeUpdate("UPDATE t SET v = 'x' WHERE id = 1");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(gatedA.entered.await(10, TimeUnit.SECONDS)).isTrue();
      a.close();
      Throwable failure = catchThrowableOfType(Exception.class, update::join).getCause();
      SQLException e = (SQLException) failure.getCause();
      assertThat(e.getSQLState()).isEqualTo("08007");
      assertThat(e.getMessage()).contains("outcome is unknown").contains("not retried");
      // Never re-sent to node b: the row is unchanged, and the connection now works through b.
      assertThat(valueOf(c, 1)).isEqualTo("a");
    }
  }

  @Test
  void readInFlightWhenTheNodeDiesIsRetriedOnAnotherSeed() throws Exception {
    try (Connection c = DriverManager.getConnection(url())) {
      gatedA.hold();
      CompletableFuture<String> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return valueOf(c, 1);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(gatedA.entered.await(10, TimeUnit.SECONDS)).isTrue();
      a.close();
      assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo("a");
    }
  }

  /**
   * A batch sent in requests of 3 entries, whose node dies while the second request is in flight:
   * the first request's entries are reported applied, the second's unknown, the rest not sent.
   */
  @Test
  void batchCutByANodeDeathReportsWhichEntriesAreKnownApplied() throws Exception {
    try (Connection c = DriverManager.getConnection(url() + "&batchChunk=3");
        PreparedStatement p = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'b')")) {
      for (long id = 101; id <= 107; id++) {
        p.setLong(1, id);
        p.addBatch();
      }
      // Entries 101-103 (first request) and 104 pass; 105 stays in flight.
      gatedA.holdAfterUpdates(4);
      CompletableFuture<long[]> batch =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.executeLargeBatch();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(gatedA.entered.await(10, TimeUnit.SECONDS)).isTrue();
      a.close();
      Throwable failure = catchThrowableOfType(Exception.class, batch::join).getCause();
      BatchUpdateException e = (BatchUpdateException) failure.getCause();
      assertThat(e.getSQLState()).isEqualTo("08007");
      assertThat(e.getLargeUpdateCounts()).containsExactly(1, 1, 1);
      assertThat(e.getMessage())
          .contains("entries 4..6 of 7")
          .contains("entries 1..3 were applied")
          .contains("entries 7..7 were not sent")
          .contains("outcome is unknown");
      assertThat(valueOf(c, 103)).isEqualTo("b");
      assertThat(valueOf(c, 105)).isNull();
      assertThat(valueOf(c, 107)).isNull();
    }
  }

  @Test
  void batchStoppedByAStatementErrorReportsTheRequestsBefore() throws SQLException {
    try (Connection c = DriverManager.getConnection(url() + "&batchChunk=2");
        PreparedStatement p = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'c')")) {
      for (long id : new long[] {201, 202, 203, 1, 205}) {
        p.setLong(1, id);
        p.addBatch();
      }
      BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, p::executeBatch);
      assertThat(e.getSQLState()).isEqualTo("23505");
      assertThat(e.getLargeUpdateCounts()).containsExactly(1, 1);
      assertThat(e.getMessage())
          .contains("entries 3..4 of 5")
          .contains("entries 5..5 were not sent")
          .contains("its entry 1 is entry 3");
      // The node runs a request's entries in order and stops at the error.
      assertThat(valueOf(c, 203)).isEqualTo("c");
      assertThat(valueOf(c, 205)).isNull();
    }
  }

  @Test
  void poolRecoversThroughAnotherSeed() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(5000);
    config.setValidationTimeout(1000);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int i = 10; i < 30; i++) {
        try (Connection c = pool.getConnection();
            PreparedStatement p = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'p')")) {
          p.setLong(1, i);
          assertThat(p.executeUpdate()).isEqualTo(1);
        }
      }
      assertThat(a.openConnections()).isPositive();
      a.close();
      for (int i = 30; i < 50; i++) {
        try (Connection c = pool.getConnection();
            PreparedStatement p =
                c.prepareStatement("UPDATE t SET v = 'q' WHERE id = ? IF EXISTS")) {
          p.setLong(1, i - 20);
          assertThat(p.executeUpdate()).isEqualTo(1);
        }
      }
      assertThat(b.openConnections()).isPositive();
      try (Connection c = pool.getConnection()) {
        assertThat(valueOf(c, 29)).isEqualTo("q");
      }
    }
  }

  @Test
  void garbageOnTheSqlPortClosesOnlyThatConnection() throws Exception {
    try (Connection c = DriverManager.getConnection(url())) {
      byte[][] garbage = {
        {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, // longer than the maximum frame
        {0, 0, 0, 3, 9, 1, 2}, // unknown version
        {0, 0, 0, 5, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // not protobuf
        {0, 0, 0, 0}, // empty frame
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      };
      for (byte[] bytes : garbage) {
        try (Socket raw = new Socket("127.0.0.1", a.address().getPort())) {
          raw.setSoTimeout(5000);
          OutputStream out = raw.getOutputStream();
          out.write(bytes);
          out.flush();
          InputStream in = raw.getInputStream();
          assertThat(in.read()).as("server closes after %s", bytes.length).isEqualTo(-1);
        }
      }
      assertThat(c.isValid(2)).isTrue();
      assertThat(valueOf(c, 1)).isEqualTo("a");
      assertThat(a.openConnections()).isEqualTo(1);
    }
  }
}
