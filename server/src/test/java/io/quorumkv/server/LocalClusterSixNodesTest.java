package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/quorumkv local --nodes 6}: six nodes in three zones round-robin; the balancer spreads
 * the 64 segments to groups of three nodes in three zones, 32 segments a node, and SQL works.
 */
class LocalClusterSixNodesTest {
  @TempDir Path dir;

  @Test
  void sixNodesSpreadTheSegmentsOverGroupsOfThreeZones() throws Exception {
    LocalCluster cluster = LocalClusters.start(dir, 6).cluster();
    try (LocalCluster c = cluster;
        Connection conn = DriverManager.getConnection(c.jdbcUrl());
        Statement s = conn.createStatement()) {
      Map<Integer, String> zones = new HashMap<>();
      try (ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
        while (rs.next()) {
          zones.put(rs.getInt("NODE_ID"), rs.getString("ZONE"));
        }
      }
      assertThat(zones)
          .containsEntry(1, "zone-1")
          .containsEntry(4, "zone-1")
          .containsEntry(5, "zone-2")
          .containsEntry(6, "zone-3")
          .hasSize(6);

      long deadline = System.nanoTime() + 180_000_000_000L;
      while (!spread(s)) {
        assertThat(System.nanoTime()).as("segments spread within 180 s").isLessThan(deadline);
        Thread.sleep(200);
      }
      try (ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
        while (rs.next()) {
          assertThat(rs.getInt("SEGMENTS")).as("node %d", rs.getInt("NODE_ID")).isEqualTo(32);
        }
      }
      s.execute("CREATE TABLE kv (k VARCHAR(10) PRIMARY KEY, v INTEGER)");
      for (int i = 0; i < 50; i++) {
        s.execute("INSERT INTO kv (k, v) VALUES ('key" + i + "', " + i + ")");
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(v) FROM kv")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(50);
        assertThat(rs.getLong(2)).isEqualTo(49 * 50 / 2);
      }
    }
  }

  /** Whether every segment is stable on three nodes of three zones. */
  private static boolean spread(Statement s) throws SQLException {
    int rows = 0;
    try (ResultSet rs = s.executeQuery("CALL QUORUMKV_SEGMENTS()")) {
      while (rs.next()) {
        rows++;
        if (!rs.getString("STATE").equals("stable")
            || rs.getString("REPLICAS").split(",").length != 3
            || new HashSet<>(List.of(rs.getString("ZONES").split(","))).size() != 3) {
          return false;
        }
      }
    }
    return rows == 64;
  }
}
