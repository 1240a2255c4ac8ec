package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Six real nodes in three zones with 8 segments: the cluster creates its map, the balancer shrinks
 * every segment to a group of three nodes in three zones, SQL works through any node, each node
 * holds only its segments' keys, and a split and a decommission run while a client increments a
 * counter with conditional updates; no acknowledged increment is lost and none applies twice.
 */
class SegmentedClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentedClusterTest.class);
  private static final int N = 6;
  private static final int ROWS = 120;

  @TempDir Path dir;
  private final ServerConfig[] configs = new ServerConfig[N + 1];
  private final QuorumKvServer[] servers = new QuorumKvServer[N + 1];

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  @BeforeEach
  void startCluster() {
    int[] ports = new int[N + 1];
    StringBuilder peers = new StringBuilder();
    StringBuilder zones = new StringBuilder();
    for (int i = 1; i <= N; i++) {
      ports[i] = freePort(host(i));
      peers.append(i > 1 ? ", " : "").append(i).append('=').append(host(i)).append(':');
      peers.append(ports[i]);
      zones.append(i > 1 ? ", " : "").append(i).append("=zone-").append((i - 1) % 3 + 1);
    }
    for (int i = 1; i <= N; i++) {
      configs[i] =
          ServerConfig.parse(
              "node" + i,
              String.join(
                  "\n",
                  "node.id = " + i,
                  "node.zone = zone-" + ((i - 1) % 3 + 1),
                  "listen.address = " + host(i),
                  "http.port = 0", // any free port: fixed ports collide across concurrent builds
                  "peer.port = " + ports[i],
                  "sql.port = 0",
                  "peers = " + peers,
                  "peer.zones = " + zones,
                  "data.dir = " + dir.resolve("node" + i),
                  "engine.kind = bitcask",
                  "cluster.segments = 8",
                  "request.timeout.ms = 15000"));
      servers[i] = QuorumKvServer.start(configs[i]);
    }
  }

  @AfterEach
  void stopCluster() {
    for (QuorumKvServer s : servers) {
      if (s != null) {
        s.close();
      }
    }
  }

  private Connection connect(int node) throws SQLException {
    InetSocketAddress a = servers[node].sqlAddress();
    return DriverManager.getConnection("jdbc:quorumkv://" + a.getHostString() + ":" + a.getPort());
  }

  /** Waits until node 1's map satisfies {@code done} and every running node adopted it. */
  private ClusterMap awaitMap(String what, Predicate<ClusterMap> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      ClusterMap m = servers[1].cluster().map();
      if (m != null && done.test(m)) {
        boolean all = true;
        for (int i = 1; i <= N; i++) {
          all &= servers[i] == null || servers[i].node().topology().version() >= m.version();
        }
        if (all) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "cluster map never got "
            + what
            + ": "
            + servers[1].cluster().map()
            + "; last problem: "
            + servers[1].cluster().lastProblem());
  }

  /**
   * Every node holds keys of exactly the segments it replicates, a majority of each group the same
   * number, and together at least {@code rows} keys.
   */
  private void assertKeysLiveWithTheirGroups(ClusterMap m, long rows) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long[][] counts = new long[N + 1][];
      for (int i = 1; i <= N; i++) {
        counts[i] =
            servers[i] == null
                ? new long[m.segmentCount()]
                : servers[i].node().localKeyCounts().get(10, TimeUnit.SECONDS);
      }
      boolean ok = true;
      long total = 0;
      for (int s = 0; s < m.segmentCount(); s++) {
        List<Integer> group = m.segment(s).replicas();
        long max = 0;
        int holders = 0;
        for (int i = 1; i <= N; i++) {
          if (!group.contains(i)) {
            ok &= counts[i][s] == 0; // records of segments it left are deleted
          } else {
            max = Math.max(max, counts[i][s]);
          }
        }
        for (int i : group) {
          holders += counts[i][s] == max ? 1 : 0;
        }
        ok &= holders >= 2;
        total += max;
      }
      ok &= total >= rows;
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= N; i++) {
          sb.append(" node ").append(i).append(": ").append(java.util.Arrays.toString(counts[i]));
        }
        throw new AssertionError("keys not where the map says (" + rows + " rows):" + sb);
      }
      Thread.sleep(100);
    }
  }

  private String call(int node, String sql) throws SQLException {
    try (Connection c = connect(node);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void segmentsSpreadSplitAndLeaveANodeWhileWritesGoOn() throws Exception {
    ClusterMap m = awaitMap("balanced", Balancer::settled);
    assertThat(m.segmentCount()).isEqualTo(8);
    assertThat(m.segmentCounts().values()).allSatisfy(c -> assertThat(c).isEqualTo(4));

    try (Connection c5 = connect(5);
        Statement s5 = c5.createStatement()) {
      s5.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INTEGER)");
      try (PreparedStatement ins = c5.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
        for (int i = 0; i < ROWS; i++) {
          ins.setLong(1, i);
          ins.setInt(2, i);
          ins.executeUpdate();
        }
      }
    }
    try (Connection c2 = connect(2)) {
      assertThat(count(c2)).isEqualTo(ROWS);
    }
    // (the catalog's own keys, the table definition and its counters, are counted too)
    assertKeysLiveWithTheirGroups(m, ROWS);

    try (Connection c6 = connect(3)) {
      c6.createStatement().execute("INSERT INTO t (id, v) VALUES (-1, 0)");
    }
    ConditionalCounter counter = new ConditionalCounter(() -> connect(4));
    counter.start();
    try {
      long before = m.version();
      assertThat(call(3, "CALL QUORUMKV_SPLIT_SEGMENTS()")).startsWith("segments split: 8 -> 16");
      m = awaitMap("split and balanced", x -> x.segmentCount() == 16 && Balancer.settled(x));
      assertThat(m.version()).isGreaterThan(before);

      assertThat(call(2, "CALL QUORUMKV_DECOMMISSION('6')")).startsWith("node 6 is leaving");
      m = awaitMap("node 6 gone", x -> x.node(6) == null && Balancer.settled(x));
      assertThat(m.nodesIn(NodeState.ACTIVE)).containsExactly(1, 2, 3, 4, 5);
    } finally {
      counter.stop();
    }
    int acknowledged = counter.acknowledged();
    LOG.warn(
        "map version {}: {} increments acknowledged during split and decommission",
        m.version(),
        acknowledged);
    assertThat(acknowledged).isPositive();
    try (Connection c1 = connect(1);
        Statement s1 = c1.createStatement();
        ResultSet rs = s1.executeQuery("SELECT v FROM t WHERE id = -1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(acknowledged);
    }
    try (Connection c6 = connect(6)) {
      // node 6 holds nothing any more but still answers as a proxy
      assertThat(count(c6)).isEqualTo(ROWS + 1);
    }
    assertKeysLiveWithTheirGroups(m, ROWS + 1);
    assertThatThrownBy(() -> call(1, "CALL QUORUMKV_DECOMMISSION('6')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("no node 6 in the cluster")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("22023");
    assertThatThrownBy(() -> call(1, "CALL QUORUMKV_DECOMMISSION('six')"))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("22023");
    assertThatThrownBy(() -> call(1, "CALL QUORUMKV_SEGMENTS('1')"))
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("07001");

    try (Connection c = connect(4);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("CALL QUORUMKV_SEGMENTS()")) {
      int rows = 0;
      long keys = 0;
      while (rs.next()) {
        assertThat(rs.getInt("SEGMENT")).isEqualTo(rows++);
        assertThat(rs.getString("REPLICAS").split(",")).hasSize(3).doesNotContain("6");
        assertThat(new HashSet<>(List.of(rs.getString("ZONES").split(",")))).hasSize(3);
        assertThat(rs.getString("STATE")).isEqualTo("stable");
        keys += rs.getLong("KEYS"); // node 4 sees only its own segments' counts: a lower bound
      }
      assertThat(rows).isEqualTo(16);
      assertThat(keys).isPositive();
    }
    try (Connection c = connect(1);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("CALL QUORUMKV_NODES()")) {
      int total = 0;
      while (rs.next()) {
        if (rs.getInt("NODE_ID") == 6) {
          assertThat(rs.getString("STATUS")).endsWith("(decommissioned)");
          assertThat(rs.getObject("SEGMENTS")).isNull();
        } else {
          total += rs.getInt("SEGMENTS");
        }
      }
      assertThat(total).isEqualTo(16 * 3);
    }
  }
}
