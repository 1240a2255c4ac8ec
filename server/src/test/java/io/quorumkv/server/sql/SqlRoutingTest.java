package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.jdbc.QuorumConnection;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routing by key: prepared writes of one key go to the node their key values pick, the same from
 * every connection whatever seed it started on, so one node coordinates all of a key's writes;
 * reads and other statements stay where the connection is; a connection that visited several nodes
 * is closed on all of them; {@code routing=none} turns it off; a dead node is routed around.
 */
@Timeout(60)
class SqlRoutingTest {

  private static final SchemaLease LEASE = SchemaLease.of(Duration.ofMillis(20));

  private final AtomicLong clients = new AtomicLong();
  private final LocalKeyValueStore store = new LocalKeyValueStore();
  private SqlServer a;
  private SqlServer b;
  private SqlServer c;

  @BeforeEach
  void start() throws Exception {
    a = SqlServer.start(0, new SqlEngine(store, clients::incrementAndGet, LEASE));
    b = SqlServer.start(0, new SqlEngine(store, clients::incrementAndGet, LEASE));
    c = SqlServer.start(0, new SqlEngine(store, clients::incrementAndGet, LEASE));
    try (Connection conn = DriverManager.getConnection(url(a, b, c, ""));
        Statement s = conn.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
      for (int k = 0; k < 30; k++) {
        s.executeUpdate("INSERT INTO t (id, v) VALUES (" + k + ", 'v" + k + "')");
      }
    }
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    c.close();
  }

  private static String url(SqlServer first, SqlServer second, SqlServer third, String options) {
    return "jdbc:quorumkv://127.0.0.1:"
        + first.address().getPort()
        + ",127.0.0.1:"
        + second.address().getPort()
        + ",127.0.0.1:"
        + third.address().getPort()
        + "?seedOrder=ordered"
        + options;
  }

  private static InetSocketAddress on(Connection conn) throws SQLException {
    return conn.unwrap(QuorumConnection.class).transport().connectedTo();
  }

  /** Runs {@code body} and returns the one node that answered a compact execution meanwhile. */
  private SqlServer answeredBy(SqlCall body) throws SQLException {
    long[] before = {a.compactAnswers(), b.compactAnswers(), c.compactAnswers()};
    body.run();
    SqlServer[] servers = {a, b, c};
    SqlServer by = null;
    for (int i = 0; i < 3; i++) {
      if (servers[i].compactAnswers() > before[i]) {
        assertThat(by).as("answered by one node").isNull();
        by = servers[i];
      }
    }
    assertThat(by).as("answered by a node").isNotNull();
    return by;
  }

  private interface SqlCall {
    void run() throws SQLException;
  }

  @Test
  void writesOfOneKeyGoToOneNodeFromEveryConnection() throws Exception {
    Set<SqlServer> used = new HashSet<>();
    try (Connection fromA = DriverManager.getConnection(url(a, b, c, ""));
        Connection fromC = DriverManager.getConnection(url(c, b, a, ""));
        PreparedStatement setA = fromA.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
        PreparedStatement casC =
            fromC.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?");
        PreparedStatement readC = fromC.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      for (long k = 0; k < 30; k++) {
        long key = k;
        setA.setString(1, "u" + k);
        setA.setLong(2, k);
        SqlServer first = answeredBy(() -> assertThat(setA.executeUpdate()).isEqualTo(1));
        casC.setString(1, "w" + k);
        casC.setLong(2, k);
        casC.setString(3, "u" + k);
        SqlServer second = answeredBy(() -> assertThat(casC.executeUpdate()).isEqualTo(1));
        assertThat(second).as("key %d", key).isSameAs(first);
        used.add(first);
        // Reads are not routed, and the connections never move: statements are prepared and
        // read on their own node.
        readC.setLong(1, k);
        try (ResultSet rs = readC.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("w" + k);
        }
        assertThat(on(fromA).getPort()).isEqualTo(a.address().getPort());
        assertThat(on(fromC).getPort()).isEqualTo(c.address().getPort());
      }
    }
    assertThat(used).as("keys spread over the nodes").hasSize(3);
    awaitNoOpenConnections();
  }

  @Test
  void statementsOfOneConnectionNeverMixUpAcrossNodes() throws Exception {
    // Prepared on the connection's node with that node's ids; other nodes only ever hold them
    // again under the same ids, so an id always means the same statement.
    try (Connection conn = DriverManager.getConnection(url(a, b, c, ""));
        PreparedStatement write = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
        PreparedStatement read = conn.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      for (long k = 0; k < 30; k++) {
        write.setString(1, "m" + k);
        write.setLong(2, k);
        assertThat(write.executeUpdate()).isEqualTo(1);
        try (PreparedStatement later = conn.prepareStatement("SELECT v, id FROM t WHERE id = ?")) {
          later.setLong(1, k);
          try (ResultSet rs = later.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(2)).isEqualTo(k);
          }
        }
        read.setLong(1, k);
        try (ResultSet rs = read.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("m" + k);
        }
      }
      try (PreparedStatement batch = conn.prepareStatement("UPDATE t SET v = 'b' WHERE id = ?")) {
        for (long k = 0; k < 5; k++) {
          batch.setLong(1, k);
          batch.addBatch();
        }
        assertThat(batch.executeBatch()).containsExactly(1, 1, 1, 1, 1);
      }
    }
  }

  @Test
  void aRowIsInsertedOnTheNodeThatWillUpdateIt() throws Exception {
    try (Connection fromA = DriverManager.getConnection(url(a, b, c, ""));
        Connection fromB = DriverManager.getConnection(url(b, c, a, ""));
        PreparedStatement insert =
            fromA.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?) IF NOT EXISTS");
        PreparedStatement upsert = fromB.prepareStatement("UPSERT INTO t (v, id) VALUES (?, ?)")) {
      for (long k = 100; k < 120; k++) {
        long key = k;
        insert.setLong(1, k);
        insert.setString(2, "i" + k);
        SqlServer first = answeredBy(() -> assertThat(insert.executeUpdate()).isEqualTo(1));
        upsert.setString(1, "u" + k);
        upsert.setLong(2, k);
        SqlServer second = answeredBy(() -> assertThat(upsert.executeUpdate()).isEqualTo(1));
        assertThat(second).as("key %d", key).isSameAs(first);
      }
    }
  }

  @Test
  void otherStatementsStayWhereTheConnectionIs() throws Exception {
    try (Connection conn = DriverManager.getConnection(url(a, b, c, ""));
        Statement s = conn.createStatement()) {
      InetSocketAddress start = on(conn);
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(30);
      }
      assertThat(on(conn)).isEqualTo(start);
    }
  }

  @Test
  void routingNoneKeepsTheConnectionOnItsSeed() throws Exception {
    try (Connection conn = DriverManager.getConnection(url(a, b, c, "&routing=none"));
        PreparedStatement write = conn.prepareStatement("UPDATE t SET v = 'x' WHERE id = ?")) {
      for (long k = 0; k < 10; k++) {
        write.setLong(1, k);
        assertThat(answeredBy(() -> assertThat(write.executeUpdate()).isEqualTo(1))).isSameAs(a);
      }
    }
  }

  @Test
  void aDeadNodeIsRoutedAround() throws Exception {
    try (Connection conn = DriverManager.getConnection(url(a, b, c, ""));
        PreparedStatement write = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
      b.close();
      for (long k = 0; k < 30; k++) {
        write.setString(1, "d" + k);
        write.setLong(2, k);
        assertThat(answeredBy(() -> assertThat(write.executeUpdate()).isEqualTo(1))).isNotSameAs(b);
      }
    }
  }

  private void awaitNoOpenConnections() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (a.openConnections() + b.openConnections() + c.openConnections() > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(10); // polls the nodes' view; closing elsewhere is not waited for
    }
    assertThat(a.openConnections() + b.openConnections() + c.openConnections())
        .as("connections closed on every node they visited")
        .isZero();
  }
}
