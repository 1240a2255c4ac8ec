package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code !add-node} in the local cluster: a fourth node joins a running three-node cluster through
 * the founders' client ports, the balancer gives it its share (node 4 is the second node of zone-1,
 * so it and node 1 hold half the 64 segments each while the only nodes of zone-2 and zone-3 stay in
 * every group), the rows written before are read through it, and when the local cluster is started
 * again over the same directory the added node comes back with it. {@code !remove-node 4} then
 * moves its segments back, stops it and deletes its data, so the next start has three nodes.
 */
class LocalClusterAddNodeTest {
  @TempDir Path dir;

  private static Map<Integer, Integer> segmentsPerNode(Statement s) throws SQLException {
    Map<Integer, Integer> out = new HashMap<>();
    try (ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
      while (rs.next()) {
        out.put(rs.getInt("NODE_ID"), rs.getInt("SEGMENTS"));
      }
    }
    return out;
  }

  private static boolean stable(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("CALL QUORUMKV_SEGMENTS()")) {
      while (rs.next()) {
        if (!rs.getString("STATE").equals("stable")) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void anAddedNodeJoinsTakesItsShareAndComesBackWithTheCluster() throws Exception {
    LocalClusters.Started started = LocalClusters.start(dir, 3);
    LocalCluster cluster = started.cluster();
    int base = started.portBase();
    try (LocalCluster c = cluster;
        Connection conn = DriverManager.getConnection(c.jdbcUrl());
        Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE kv (k INTEGER PRIMARY KEY, v INTEGER)");
      for (int i = 0; i < 40; i++) {
        s.execute("INSERT INTO kv (k, v) VALUES (" + i + ", " + i * i + ")");
      }
      try (ResultSet rs = s.executeQuery("CALL QUORUMKV_ADD_NODE()")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("node 4 (zone-1) joined the cluster");
      }
      assertThat(c.size()).isEqualTo(4);
      long deadline = System.nanoTime() + 180_000_000_000L;
      Map<Integer, Integer> spread = Map.of(1, 32, 2, 64, 3, 64, 4, 32);
      while (!(segmentsPerNode(s).equals(spread) && stable(s))) {
        assertThat(System.nanoTime())
            .as("segments spread within 180 s; now %s", segmentsPerNode(s))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      try (Connection four = DriverManager.getConnection("jdbc:quorumkv://" + c.sqlAddress(4));
          Statement s4 = four.createStatement();
          ResultSet rs = s4.executeQuery("SELECT COUNT(*), SUM(v) FROM kv")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(40);
        assertThat(rs.getLong(2)).isEqualTo(39 * 40 * 79 / 6);
      }
      SQLException bad =
          catchThrowableOfType(
              SQLException.class, () -> s.executeQuery("CALL QUORUMKV_ADD_NODE('5')"));
      assertThat(bad.getSQLState()).isEqualTo("07001");
    }

    try (LocalCluster again = LocalClusters.start(dir, 3, base);
        Connection conn = DriverManager.getConnection(again.jdbcUrl());
        Statement s = conn.createStatement()) {
      assertThat(again.size()).isEqualTo(4);
      assertThat(again.jdbcUrl()).contains(again.sqlAddress(4));
      try (ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE k = 7")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(49);
      }
      assertThat(segmentsPerNode(s)).containsEntry(4, 32);

      SQLException meta =
          catchThrowableOfType(
              SQLException.class, () -> s.executeQuery("CALL QUORUMKV_REMOVE_NODE('1')"));
      assertThat(meta.getSQLState()).isEqualTo("22023");
      assertThat(meta.getMessage()).contains("hold the cluster's metadata");
      try (ResultSet rs = s.executeQuery("CALL QUORUMKV_REMOVE_NODE('4')")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("node 4 is leaving").endsWith("once it has left");
      }
      long deadline = System.nanoTime() + 180_000_000_000L;
      while (!(status(s, 4).equals("stopped (decommissioned)")
          && segmentsPerNode(s).entrySet().stream()
              .filter(e -> e.getKey() <= 3)
              .allMatch(e -> e.getValue() == 64))) {
        assertThat(System.nanoTime())
            .as("node 4 leaves within 180 s; now %s, %s", segmentsPerNode(s), status(s, 4))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(40);
      }
    }
    assertThat(dir.resolve("node-4")).doesNotExist();
    try (LocalCluster third = LocalClusters.start(dir, 3, base);
        Connection conn = DriverManager.getConnection(third.jdbcUrl());
        Statement s = conn.createStatement()) {
      assertThat(third.size()).isEqualTo(3);
      assertThat(segmentsPerNode(s)).isEqualTo(Map.of(1, 64, 2, 64, 3, 64));
    }
  }

  private static String status(Statement s, int node) throws SQLException {
    try (ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
      while (rs.next()) {
        if (rs.getInt("NODE_ID") == node) {
          return rs.getString("STATUS");
        }
      }
    }
    return "absent";
  }
}
