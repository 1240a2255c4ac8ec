package io.quorumkv.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three founding node processes grow to six while register clients run through every node: nodes 4,
 * 5 and 6 start with only {@code cluster.seeds} and join. Node 4 is SIGKILLed while a segment moves
 * to it (its joint configuration) and restarted from its data; then the node leading the moves,
 * node 1, is SIGKILLed while another segment moves to a joined node. The moves finish, every node
 * ends with 4 of the 8 segments in 3-zone groups, and the whole history is linearizable.
 */
class JoinFaultIT {
  private static final Logger LOG = LoggerFactory.getLogger(JoinFaultIT.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final int FILLER_KEYS = 2_000;

  @TempDir Path dir;

  @Test
  void nodesJoinWhileTheJoinerAndTheLeaderAreKilledMidMove() throws Exception {
    long seed = Long.getLong("join.seed", System.nanoTime());
    ProcessCluster cluster =
        new ProcessCluster(
            dir,
            "bitcask",
            seed,
            (int) REQUEST_TIMEOUT.toMillis(),
            6,
            3,
            "cluster.segments = 8\nrebalance.max-bytes-per-sec = 32768");
    RegisterWorkload workload = new RegisterWorkload(cluster, seed, 6, REQUEST_TIMEOUT);
    List<String> events = new ArrayList<>();
    try (QuorumClient admin = adminClient(cluster)) {
      cluster.startAll();
      ClusterMapAdmin.await(admin, "three founders", m -> m.nodes().size() == 3);
      // Filler keys give each move something to settle (one key at a time under the rate), so
      // that the test sees moves in progress even with several segments moving at once.
      fill(admin, FILLER_KEYS);
      workload.start();
      Thread.sleep(2_000);

      cluster.start(4);
      ClusterMap m =
          ClusterMapAdmin.await(
              admin,
              "a segment moving to node 4",
              x -> x.movingSegment() >= 0 && x.segment(x.movingSegment()).next().contains(4));
      events.add("killed joiner 4 with segment " + m.movingSegment() + " joint at v" + m.version());
      cluster.kill(4);
      Thread.sleep(3_000);
      cluster.start(4);

      cluster.start(5);
      cluster.start(6);
      m =
          ClusterMapAdmin.await(
              admin,
              "a segment moving to node 5 or 6",
              x ->
                  x.movingSegment() >= 0
                      && (x.segment(x.movingSegment()).next().contains(5)
                          || x.segment(x.movingSegment()).next().contains(6)));
      events.add(
          "killed the leader, node 1, with segment " + m.movingSegment() + " at v" + m.version());
      cluster.kill(1);
      Thread.sleep(3_000);
      cluster.start(1);

      m = ClusterMapAdmin.await(admin, "six nodes, balanced", JoinFaultIT::balancedOverSix);
      events.add("balanced over six nodes at version " + m.version());
      assertThat(m.segmentCounts().values()).allSatisfy(c -> assertThat(c).isEqualTo(4));
      workload.stop();
      workload.rethrowProcessError();
      workload.readEverywhere(Duration.ofSeconds(60));
    } finally {
      try {
        workload.stop();
      } finally {
        cluster.close();
      }
    }
    workload.assertLinearizable(LOG, seed, events, "join.seed");
  }

  /** Writes {@code n} filler keys, 64 at a time. */
  private static void fill(QuorumClient admin, int n) throws Exception {
    List<CompletableFuture<CasResult>> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(admin.put(Bytes.utf8("filler-" + i), Bytes.utf8("some filler value " + i)));
      if (batch.size() == 64 || i == n - 1) {
        for (CompletableFuture<CasResult> f : batch) {
          f.get(30, TimeUnit.SECONDS);
        }
        batch.clear();
      }
    }
  }

  /** A client of the founders only: the map key lives on them. */
  private static QuorumClient adminClient(ProcessCluster cluster) {
    QuorumClient.Builder b =
        QuorumClient.builder().timeout(REQUEST_TIMEOUT).attempts(3).clientId(Long.MAX_VALUE / 4);
    for (int i = 1; i <= 3; i++) {
      b.node(i, cluster.clientAddress(i));
    }
    return b.build();
  }

  private static boolean balancedOverSix(ClusterMap m) {
    return m.nodes().size() == 6 && Balancer.settled(m);
  }
}
