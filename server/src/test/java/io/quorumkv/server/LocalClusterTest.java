package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster through the JDBC driver: the cluster procedures see three nodes in three zones,
 * a key's replica group with its versions, and a node stopped from SQL leaves a quorum that still
 * applies conditional writes; a node running on its own refuses stop/start with 0A000.
 */
class LocalClusterTest {
  @TempDir static Path dir;

  private static final int SEEN = 3; // QUORUMKV_NODES: the node that answered

  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws InterruptedException {
    cluster = LocalClusters.start(dir, LocalCluster.DEFAULT_SIZE).cluster();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<List<Object>> rows(Statement s, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void clusterProceduresShowNodesReplicasAndStopStartNodes() throws SQLException {
    try (Connection c = DriverManager.getConnection(cluster.jdbcUrl());
        Statement s = c.createStatement()) {
      List<List<Object>> nodes = rows(s, "CALL QUORUMKV_NODES()");
      assertThat(nodes).hasSize(3);
      assertThat(nodes).extracting(r -> r.get(1)).containsExactly("zone-1", "zone-2", "zone-3");
      assertThat(nodes).extracting(r -> r.get(2)).containsOnly("up");
      int self = (Integer) nodes.get(0).get(SEEN); // the seed the driver chose
      assertThat(nodes).extracting(r -> r.get(SEEN)).containsOnly(self);
      int other = self % 3 + 1;

      s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, bal INTEGER)");
      s.execute("INSERT INTO acct (id, bal) VALUES (7, 100)");
      List<List<Object>> replicas = rows(s, "CALL QUORUMKV_REPLICAS('ACCT', '7')");
      assertThat(replicas).hasSize(3);
      assertThat(replicas).extracting(r -> r.get(0)).containsOnly("ACCT(7)");
      assertThat(replicas).extracting(r -> r.get(5)).containsOnly(1L);
      // the serving node coordinated the insert, so it has learned version 1 (others may lag)
      assertThat(replicas.get(self - 1).get(4)).isEqualTo(1L);
      assertThat(rows(s, "CALL QUORUMKV_REPLICAS('x:00')")).hasSize(3);

      assertThat(rows(s, "CALL QUORUMKV_STOP_NODE('" + other + "')").get(0).get(0).toString())
          .contains("node " + other + " (zone-" + other + ") stopped");
      try (ResultSet rs = s.executeQuery("UPDATE acct SET bal = 90 WHERE id = 7 IF bal = 100")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
      assertThat(rows(s, "CALL QUORUMKV_NODES()").get(other - 1).get(2)).isEqualTo("stopped");
      assertThat(rows(s, "CALL QUORUMKV_REPLICAS('ACCT', '7')").get(other - 1).get(4)).isNull();
      assertThat(rows(s, "CALL QUORUMKV_STOP_NODE('" + other + "')").get(0).get(0))
          .isEqualTo("node " + other + " is already stopped");

      SQLException bad =
          catchThrowableOfType(
              SQLException.class, () -> s.executeQuery("CALL QUORUMKV_STOP_NODE('9')"));
      assertThat(bad.getSQLState()).isEqualTo("22023");
      assertThat(bad.getMessage()).contains("no node 9");

      assertThat(rows(s, "CALL QUORUMKV_START_NODE('" + other + "')").get(0).get(0).toString())
          .startsWith("node " + other + " (zone-" + other + ") started");
      assertThat(rows(s, "CALL QUORUMKV_NODES()")).extracting(r -> r.get(2)).containsOnly("up");
      assertThat(rows(s, "SELECT bal FROM acct WHERE id = 7")).containsExactly(List.of(90));
    }
  }

  @Test
  void aNodeStoppingItselfAnswersAndItsClientsFailOver() throws SQLException {
    try (Connection c = DriverManager.getConnection(cluster.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS self_t (id BIGINT PRIMARY KEY, v INTEGER)");
      int self = (Integer) rows(s, "CALL QUORUMKV_NODES()").get(0).get(SEEN);
      assertThat(rows(s, "CALL QUORUMKV_STOP_NODE('" + self + "')").get(0).get(0).toString())
          .contains("node " + self + " (zone-" + self + ") stopped");
      // The connection was on that node, which closes a moment after answering; then the
      // connection's statements go to another seed.
      List<List<Object>> nodes = List.of();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          nodes = rows(s, "CALL QUORUMKV_NODES()");
        } catch (SQLException e) {
          continue; // in flight while the node closed: its outcome is unknown, ask again
        }
        if (!nodes.get(0).get(SEEN).equals(self)) {
          break;
        }
      }
      assertThat(nodes.get(self - 1).get(2)).isEqualTo("stopped");
      assertThat(nodes.get(0).get(SEEN)).isNotEqualTo(self);
      s.execute("UPSERT INTO self_t (id, v) VALUES (1, 1)");
      assertThat(rows(s, "CALL QUORUMKV_START_NODE('" + self + "')").get(0).get(0).toString())
          .startsWith("node " + self + " (zone-" + self + ") started");
    }
  }
}
