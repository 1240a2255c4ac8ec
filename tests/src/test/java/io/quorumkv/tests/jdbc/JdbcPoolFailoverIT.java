package io.quorumkv.tests.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.quorumkv.server.QuorumKvServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's view: three {@link QuorumKvServer} processes (generated configs, each node on
 * its own loopback address with a SQL port), a HikariCP pool over the JDBC driver with every node
 * as a seed; DDL, a prepared batch, conditional writes (applied as a row and as the update count)
 * and queries; then the node a pooled connection is on is killed with SIGKILL and the pool keeps
 * serving through another seed, conditional writes included.
 */
class JdbcPoolFailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcPoolFailoverIT.class);
  private static final int SIZE = 3;

  @TempDir Path dir;

  private final Process[] nodes = new Process[SIZE + 1];
  private final int[] sqlPorts = new int[SIZE + 1];

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a free port on " + host, e);
    }
  }

  private void startNodes() throws IOException {
    int[] peerPorts = new int[SIZE + 1];
    List<String> peers = new ArrayList<>();
    List<String> zones = new ArrayList<>();
    for (int i = 1; i <= SIZE; i++) {
      peerPorts[i] = freePort(host(i));
      sqlPorts[i] = freePort(host(i));
      peers.add(i + "=" + host(i) + ":" + peerPorts[i]);
      zones.add(i + "=zone-" + i);
    }
    for (int i = 1; i <= SIZE; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
      Path config = nodeDir.resolve("node.properties");
      Files.writeString(
          config,
          String.join(
              "\n",
              "node.id = " + i,
              "node.zone = zone-" + i,
              "listen.address = " + host(i),
              "http.port = 0", // any free port: fixed ports collide across concurrent builds
              "peer.port = " + peerPorts[i],
              "sql.port = " + sqlPorts[i],
              "peers = " + String.join(", ", peers),
              "peer.zones = " + String.join(", ", zones),
              "data.dir = " + nodeDir.resolve("data"),
              "engine.kind = bitcask",
              "request.timeout.ms = 2000",
              ""),
          UTF_8);
      nodes[i] =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  QuorumKvServer.class.getName(),
                  config.toString())
              .redirectErrorStream(true)
              .redirectOutput(nodeDir.resolve("node.log").toFile())
              .start();
    }
  }

  private String url(int... ids) {
    List<String> seeds = new ArrayList<>();
    for (int i : ids) {
      seeds.add(host(i) + ":" + sqlPorts[i]);
    }
    return "jdbc:quorumkv://" + String.join(",", seeds);
  }

  /** Polls each node's SQL endpoint until it sees every node up. */
  private void awaitServing() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (int i = 1; i <= SIZE; i++) {
      while (true) {
        assertThat(nodes[i].isAlive()).as("node %d is running", i).isTrue();
        try (Connection c = DriverManager.getConnection(url(i));
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
          int up = 0;
          while (rs.next()) {
            up += rs.getString("STATUS").equals("up") ? 1 : 0;
          }
          if (up == SIZE) {
            break;
          }
        } catch (SQLException e) {
          LOG.debug("node {} not serving yet: {}", i, e.getMessage());
        }
        assertThat(System.nanoTime()).as("node %d serves within 120 s", i).isLessThan(deadline);
        Thread.sleep(50); // polling readiness; there is nothing to wait on
      }
    }
  }

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (Process p : nodes) {
      if (p != null && p.isAlive()) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
    }
  }

  private static int servingNode(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
      assertThat(rs.next()).isTrue();
      return rs.getInt("SEEN_FROM");
    }
  }

  private static BigDecimal balance(Connection c, long id) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBigDecimal(1);
      }
    }
  }

  @Test
  void aPoolRunsStatementsAndSurvivesTheKillOfItsNode() throws Exception {
    startNodes();
    awaitServing();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url(1, 2, 3));
    config.setMaximumPoolSize(3);
    config.setMinimumIdle(3);
    config.setConnectionTimeout(30_000);
    config.setPoolName("qkv-it");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("QuorumKV");
        s.execute(
            "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(20), balance"
                + " DECIMAL(12, 2))");
        try (PreparedStatement p =
            c.prepareStatement("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?)")) {
          for (long id = 1; id <= 20; id++) {
            p.setLong(1, id);
            p.setString(2, "owner-" + id);
            p.setBigDecimal(3, new BigDecimal("100.00"));
            p.addBatch();
          }
          int[] counts = p.executeBatch();
          assertThat(counts).hasSize(20).containsOnly(1);
        }
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(balance) FROM accounts")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(20);
          assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("2000.00");
        }
        try (PreparedStatement debit =
            c.prepareStatement(
                "UPDATE accounts SET balance = balance - ? WHERE id = ? IF balance >= ?")) {
          debit.setBigDecimal(1, new BigDecimal("60.00"));
          debit.setLong(2, 1);
          debit.setBigDecimal(3, new BigDecimal("60.00"));
          assertThat(debit.executeUpdate()).as("applied").isEqualTo(1);
          assertThat(debit.executeUpdate()).as("not applied: 40.00 left").isEqualTo(0);
        }
        try (ResultSet rs =
            s.executeQuery("INSERT INTO accounts (id, owner) VALUES (1, 'x') IF NOT EXISTS")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean("applied")).isFalse();
        }
        assertThat(balance(c, 1)).isEqualByComparingTo("40.00");
      }

      int victim;
      try (Connection c = pool.getConnection()) {
        victim = servingNode(c);
      }
      LOG.info("killing node {} (SIGKILL), which a pooled connection is on", victim);
      nodes[victim].destroyForcibly();
      assertThat(nodes[victim].waitFor(30, TimeUnit.SECONDS)).isTrue();

      // Every pooled connection keeps working: the ones on the dead node fail over to a live
      // seed before sending (nothing was in flight), the others never noticed.
      for (int round = 0; round < 2 * config.getMaximumPoolSize(); round++) {
        try (Connection c = pool.getConnection()) {
          assertThat(servingNode(c)).isNotEqualTo(victim);
          try (PreparedStatement credit =
              c.prepareStatement(
                  "UPDATE accounts SET balance = balance + 1 WHERE id = ? IF" + " balance = ?")) {
            BigDecimal before = balance(c, 2);
            credit.setLong(1, 2);
            credit.setBigDecimal(2, before);
            assertThat(credit.executeUpdate()).isEqualTo(1);
            assertThat(balance(c, 2)).isEqualByComparingTo(before.add(BigDecimal.ONE));
          }
        }
      }
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM accounts WHERE balance >= 100")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(19);
      }
    }
  }
}
