package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's JDBC connections to one node share one multiplexed TCP connection: answers find
 * their requests under concurrency, a slow statement does not hold up the others, a timed-out one
 * leaves the shared connection working, and the connection closes with the last JDBC connection.
 */
@Timeout(60)
class SqlMultiplexingTest {

  private static final SchemaLease LEASE = SchemaLease.of(Duration.ofMillis(20));

  private final AtomicLong clients = new AtomicLong();
  private final GatedStore gated = new GatedStore(new LocalKeyValueStore());
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private SqlServer server;

  @BeforeEach
  void start() throws Exception {
    server = SqlServer.start(0, new SqlEngine(gated, clients::incrementAndGet, LEASE));
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
      s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'a')");
    }
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    server.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:quorumkv://127.0.0.1:" + server.address().getPort() + options);
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
  void connectionsShareOneTcpConnectionThatClosesWithTheLastOfThem() throws Exception {
    List<Connection> open = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Connection c = connect("");
      assertThat(valueOf(c, 1)).isEqualTo("a");
      open.add(c);
    }
    assertThat(server.clientConnections()).isEqualTo(1);
    assertThat(server.openConnections()).isEqualTo(8);
    for (Connection c : open) {
      c.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.clientConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // polls the server's view; the close is asynchronous
    }
    assertThat(server.clientConnections()).isZero();
    assertThat(server.openConnections()).isZero();
  }

  @Test
  void concurrentStatementsGetTheirOwnAnswers() throws Exception {
    int writers = 12;
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      long id = 100 + w;
      done.add(
          threads.submit(
              () -> {
                try (Connection c = connect("");
                    PreparedStatement up =
                        c.prepareStatement("UPSERT INTO t (id, v) VALUES (?, ?)")) {
                  for (int i = 0; i < 150; i++) {
                    up.setLong(1, id);
                    up.setString(2, id + ":" + i);
                    up.executeUpdate();
                    assertThat(valueOf(c, id)).isEqualTo(id + ":" + i);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(50, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStuckStatementHoldsUpNoOtherConnectionAndTimesOutAlone() throws Exception {
    try (Connection reader = connect("");
        Connection writer = connect("?requestTimeout=1500")) {
      assertThat(valueOf(reader, 1)).isEqualTo("a");
      assertThat(valueOf(writer, 1)).isEqualTo("a");
      gated.holdUpdates();
      Future<Integer> update =
          threads.submit(
              () -> {
                try (Statement s = writer.createStatement()) {
                  return s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
                }
              });
      gated.entered.await();
      for (int i = 0; i < 20; i++) {
        assertThat(valueOf(reader, 1)).isEqualTo("a");
      }
      assertThat(update).isNotDone();
      Throwable failed = catchThrowable(() -> update.get(30, TimeUnit.SECONDS)).getCause();
      assertThat(failed).isInstanceOf(SQLException.class);
      assertThat(((SQLException) failed).getSQLState()).isEqualTo("08007");
      // The shared connection survived the timeout. (The writer's session on the node stays busy
      // until the store answers the held update, which this store never does.)
      assertThat(valueOf(reader, 1)).isEqualTo("a");
      assertThat(server.clientConnections()).isEqualTo(1);
    }
  }
}
