package io.quorumkv.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.Segment;
import io.quorumkv.replication.client.QuorumClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Six node processes in three zones, segments moving while register clients run, and SIGKILLs in
 * the middle of moves: the node leading the moves is killed while a segment is in its joint
 * configuration, then a member of a moving segment's old group. The cluster map is changed the way
 * an operator tool would (compare-and-set on its metadata key through the native client): a split,
 * then the decommissions of nodes 6 and 5. The moves complete under the next leader, nodes 5 and 6
 * end with no segment and leave the map, and the whole history of the register clients is
 * linearizable.
 */
class SegmentMoveFaultIT {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentMoveFaultIT.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final int NODES = 6;

  @TempDir Path dir;

  @Test
  void movesSurviveSigkillOfTheirLeaderAndOfAnOldReplica() throws Exception {
    long seed = Long.getLong("segments.seed", System.nanoTime());
    ProcessCluster cluster =
        new ProcessCluster(
            dir,
            "bitcask",
            seed,
            (int) REQUEST_TIMEOUT.toMillis(),
            NODES,
            "cluster.segments = 4\nrebalance.max-bytes-per-sec = 65536");
    RegisterWorkload workload = new RegisterWorkload(cluster, seed, 6, REQUEST_TIMEOUT);
    List<String> events = new ArrayList<>();
    try (QuorumClient admin = cluster.client(Long.MAX_VALUE / 4, REQUEST_TIMEOUT)) {
      cluster.startAll();
      ClusterMap m = ClusterMapAdmin.await(admin, "spread", Balancer::settled);
      events.add("spread at version " + m.version());
      workload.start();
      Thread.sleep(2_000);

      ClusterMapAdmin.change(admin, ClusterMap::split);
      m =
          ClusterMapAdmin.await(
              admin,
              "a move after the split",
              x -> x.movingSegment() >= 0 || (x.segmentCount() == 8 && Balancer.settled(x)));
      ClusterMapAdmin.change(admin, x -> x.markLeaving(6));
      m = ClusterMapAdmin.await(admin, "a move in progress", x -> x.movingSegment() >= 0);
      events.add(
          "killed the leader, node 1, with segment "
              + m.movingSegment()
              + " joint at v"
              + m.version());
      cluster.kill(1);
      Thread.sleep(3_000);
      cluster.start(1);

      // A second decommission gives moves to interrupt on an old replica.
      ClusterMapAdmin.await(admin, "node 6 gone", x -> x.node(6) == null);
      ClusterMapAdmin.change(admin, x -> x.markLeaving(5));
      m = ClusterMapAdmin.await(admin, "a move off node 5", x -> x.movingSegment() >= 0);
      Segment moving = m.segment(m.movingSegment());
      int victim = moving.replicas().stream().filter(r -> r != 1).findFirst().orElseThrow();
      events.add(
          "killed node "
              + victim
              + " of the old group "
              + moving.replicas()
              + " of segment "
              + m.movingSegment()
              + " at v"
              + m.version());
      cluster.kill(victim);
      Thread.sleep(3_000);
      cluster.start(victim);

      m =
          ClusterMapAdmin.await(
              admin,
              "nodes 5 and 6 gone and balanced",
              x -> x.node(6) == null && x.node(5) == null && Balancer.settled(x));
      events.add("nodes 5 and 6 decommissioned at version " + m.version());
      assertThat(m.segmentCount()).isEqualTo(8);
      for (Segment g : m.segments()) {
        assertThat(g.replicas()).hasSize(3).doesNotContain(5, 6);
      }
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
    workload.assertLinearizable(LOG, seed, events, "segments.seed");
  }
}
