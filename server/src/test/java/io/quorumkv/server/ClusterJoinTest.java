package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three founding nodes grow to six: nodes 4, 5 and 6 are started with only {@code cluster.seeds}
 * (client addresses of two founders), add themselves to the cluster map, are connected to by the
 * founders, and the balancer moves segments to them until every node holds 4 of the 8 segments in
 * 3-zone groups, while a client increments a counter with conditional updates through a founder. No
 * acknowledged increment is lost or applied twice, every row is readable through a new node, and
 * each key lives only on its group. The founders' configurations name no peer zones, so each node
 * corrects its own zone in the map. A joined node restarts from its stored map; an id that is taken
 * and seeds that do not answer are refused with the reason.
 */
class ClusterJoinTest {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterJoinTest.class);
  private static final int FOUNDERS = 3;
  private static final int N = 6;
  private static final int ROWS = 150;

  @TempDir Path dir;
  private final List<QuorumKvServer> servers = new ArrayList<>();
  private final int[] peerPorts = new int[N + 2];
  private final int[] clientPorts = new int[N + 2];

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

  private static String zone(int i) {
    return "zone-" + ((i - 1) % 3 + 1);
  }

  private String common(int i) {
    return String.join(
        "\n",
        "node.id = " + i,
        "node.zone = " + zone(i),
        "listen.address = " + host(i),
        "http.port = 0", // any free port: fixed ports collide across concurrent builds
        "peer.port = " + peerPorts[i],
        "client.port = " + clientPorts[i],
        "sql.port = 0",
        "data.dir = " + dir.resolve("node" + i),
        "engine.kind = bitcask",
        "cluster.segments = 8",
        "request.timeout.ms = 15000");
  }

  private ServerConfig founder(int i) {
    StringBuilder peers = new StringBuilder();
    for (int p = 1; p <= FOUNDERS; p++) {
      peers.append(p > 1 ? ", " : "").append(p).append('=').append(host(p)).append(':');
      peers.append(peerPorts[p]);
    }
    return ServerConfig.parse("node" + i, common(i) + "\npeers = " + peers);
  }

  private ServerConfig joiner(int i, String seeds) {
    return ServerConfig.parse("node" + i, common(i) + "\ncluster.seeds = " + seeds);
  }

  private QuorumKvServer server(int id) {
    for (QuorumKvServer s : servers) {
      if (s.node().id() == id) {
        return s;
      }
    }
    throw new AssertionError("no server " + id);
  }

  @AfterEach
  void stop() {
    for (QuorumKvServer s : servers) {
      s.close();
    }
  }

  private Connection connect(int node) throws SQLException {
    InetSocketAddress a = server(node).sqlAddress();
    return DriverManager.getConnection("jdbc:quorumkv://" + a.getHostString() + ":" + a.getPort());
  }

  /** Waits until node 1's map satisfies {@code done} and every running node adopted it. */
  private ClusterMap awaitMap(String what, Predicate<ClusterMap> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      ClusterMap m = server(1).cluster().map();
      if (m != null && done.test(m)) {
        boolean all = true;
        for (QuorumKvServer s : servers) {
          all &= s.node().topology().version() >= m.version();
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
            + server(1).cluster().map()
            + "; last problem: "
            + server(1).cluster().lastProblem());
  }

  private static boolean balancedOver(ClusterMap m, int nodes) {
    return m.nodes().size() == nodes && Balancer.settled(m);
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void nodesJoinThroughSeedsAndTakeTheirShareWhileWritesGoOn() throws Exception {
    for (int i = 1; i <= N + 1; i++) {
      peerPorts[i] = freePort(host(i));
      clientPorts[i] = freePort(host(i));
    }
    for (int i = 1; i <= FOUNDERS; i++) {
      servers.add(QuorumKvServer.start(founder(i)));
    }
    awaitMap("created", m -> m.nodes().size() == FOUNDERS);
    try (Connection c = connect(2);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INTEGER)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
        for (int i = 0; i < ROWS; i++) {
          ins.setLong(1, i);
          ins.setInt(2, i);
          ins.executeUpdate();
        }
      }
      s.execute("INSERT INTO t (id, v) VALUES (-1, 0)");
    }

    ConditionalCounter counter = new ConditionalCounter(() -> connect(3));
    counter.start();
    String seeds = host(1) + ":" + clientPorts[1] + ", " + host(2) + ":" + clientPorts[2];
    ClusterMap m;
    try {
      for (int i = FOUNDERS + 1; i <= N; i++) {
        servers.add(QuorumKvServer.start(joiner(i, seeds)));
      }
      m = awaitMap("six nodes, balanced", x -> balancedOver(x, N));
    } finally {
      counter.stop();
    }
    int acknowledged = counter.acknowledged();
    LOG.warn(
        "map version {}: {} increments acknowledged while three nodes joined",
        m.version(),
        acknowledged);
    assertThat(m.segmentCounts().values()).allSatisfy(c -> assertThat(c).isEqualTo(4));
    assertThat(m.metaGroup()).containsExactly(1, 2, 3);
    assertThat(m.node(5).address()).isEqualTo(host(5) + ":" + peerPorts[5]);
    for (int i = 1; i <= N; i++) {
      // the founders' peers name no zones: each node corrected its own entry
      assertThat(m.node(i).zone()).isEqualTo(zone(i));
    }
    for (QuorumKvServer s : servers) {
      assertThat(s.node().peerIds()).as("peers of node %d", s.node().id()).hasSize(N - 1);
      for (int peer : s.node().peerIds()) {
        assertThat(s.node().connectedTo(peer)).isTrue();
      }
    }
    try (Connection c6 = connect(6);
        Statement s6 = c6.createStatement();
        ResultSet rs = s6.executeQuery("SELECT v FROM t WHERE id = -1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(acknowledged);
      assertThat(count(c6)).isEqualTo(ROWS + 1);
    }
    assertThat(acknowledged).isPositive();
    for (int i = 1; i <= N; i++) {
      long[] counts = server(i).node().localKeyCounts().get(10, TimeUnit.SECONDS);
      for (int s = 0; s < m.segmentCount(); s++) {
        if (!m.segment(s).replicas().contains(i)) {
          assertThat(counts[s]).as("node %d, segment %d (not its own)", i, s).isZero();
        }
      }
      assertThat(counts)
          .as("keys of node %d", i)
          .matches(c -> java.util.Arrays.stream(c).sum() > 0);
    }

    // A joined node restarts from the map it stored; the map does not change for it.
    QuorumKvServer four = server(4);
    four.close();
    servers.remove(four);
    servers.add(QuorumKvServer.start(joiner(4, seeds)));
    try (Connection c4 = connect(4)) {
      assertThat(count(c4)).isEqualTo(ROWS + 1);
    }
    assertThat(server(1).cluster().map().nodes()).hasSize(N);

    // An id in use by another node is refused, and so are seeds where nothing answers.
    ServerConfig twin =
        ServerConfig.parse(
            "twin",
            common(N + 1).replace("node.id = " + (N + 1), "node.id = 5")
                + "\ncluster.seeds = "
                + seeds);
    assertThatThrownBy(() -> QuorumKvServer.start(twin))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node 5 cannot join")
        .hasMessageContaining("node id 5 is already in the cluster");
    ServerConfig nowhere =
        ServerConfig.parse(
            "nowhere",
            common(N + 1).replace("request.timeout.ms = 15000", "request.timeout.ms = 300")
                + "\ncluster.seeds = "
                + host(N + 1)
                + ":"
                + freePort(host(N + 1)));
    assertThatThrownBy(() -> QuorumKvServer.start(nowhere))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node 7 cannot join")
        .hasMessageContaining("no seed of");
    assertThat(server(1).cluster().map().nodes()).hasSize(N);
    try (Connection c1 = connect(1);
        Statement s1 = c1.createStatement()) {
      // adding a node from SQL needs a process that owns nodes (the local cluster)
      assertThatThrownBy(() -> s1.executeQuery("CALL QUORUMKV_ADD_NODE()"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("works only in the local cluster")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("0A000");
    }
  }
}
