package io.quorumkv.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.Segment;
import io.quorumkv.placement.ClusterMapCodec;
import io.quorumkv.replication.check.HistoryOp;
import io.quorumkv.replication.check.LinearizabilityChecker;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.server.cluster.ClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
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
      ClusterMap m = awaitMap(admin, "spread", SegmentMoveFaultIT::balanced);
      events.add("spread at version " + m.version());
      workload.start();
      Thread.sleep(2_000);

      change(admin, ClusterMap::split);
      m =
          awaitMap(
              admin,
              "a move after the split",
              x -> x.movingSegment() >= 0 || (x.segmentCount() == 8 && balanced(x)));
      change(admin, x -> x.markLeaving(6));
      m = awaitMap(admin, "a move in progress", x -> x.movingSegment() >= 0);
      events.add(
          "killed the leader, node 1, with segment "
              + m.movingSegment()
              + " joint at v"
              + m.version());
      cluster.kill(1);
      Thread.sleep(3_000);
      cluster.start(1);

      // A second decommission gives moves to interrupt on an old replica.
      awaitMap(admin, "node 6 gone", x -> x.node(6) == null);
      change(admin, x -> x.markLeaving(5));
      m = awaitMap(admin, "a move off node 5", x -> x.movingSegment() >= 0);
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
          awaitMap(
              admin,
              "nodes 5 and 6 gone and balanced",
              x -> x.node(6) == null && x.node(5) == null && balanced(x));
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
    List<HistoryOp> history = workload.history();
    LinearizabilityChecker.Result result = new LinearizabilityChecker().check(history);
    LOG.warn(
        "seed {}: {}; {} ops checked, {} ok, {} failed, {} unknown",
        seed,
        events,
        result.opsChecked(),
        workload.okCount(),
        workload.failCount(),
        workload.unknownCount());
    assertThat(result.inconclusive()).isFalse();
    assertThat(result.linearizable())
        .as(
            "%s (seed %d: -Dsegments.seed=%d replays the choices, not the timing)",
            result.explanation(), seed, seed)
        .isTrue();
    assertThat(workload.okCount()).isGreaterThan(100);
  }

  private static boolean balanced(ClusterMap m) {
    return Balancer.settled(m);
  }

  private record Stored(ClusterMap map, long version) {}

  private static Stored read(QuorumClient admin) throws InterruptedException {
    try {
      Outcome.ReadOk r = admin.get(ClusterManager.mapKey()).get(30, TimeUnit.SECONDS);
      return r.value() == null
          ? null
          : new Stored(ClusterMapCodec.decode(r.value().toByteArray()), r.version());
    } catch (ExecutionException | TimeoutException e) {
      return null; // a node is down or the metadata group is electing: poll again
    }
  }

  private static ClusterMap awaitMap(QuorumClient admin, String what, Predicate<ClusterMap> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Stored last = null;
    while (System.nanoTime() < deadline) {
      Stored s = read(admin);
      if (s != null) {
        last = s;
        if (done.test(s.map())) {
          return s.map();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the cluster map never got " + what + "; last: " + last);
  }

  /** Changes the map as an operator tool would: compare-and-set on its stored version. */
  private static void change(QuorumClient admin, UnaryOperator<ClusterMap> change)
      throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      Stored s = read(admin);
      if (s == null) {
        Thread.sleep(50);
        continue;
      }
      ClusterMap next;
      try {
        next = change.apply(s.map());
      } catch (IllegalArgumentException e) {
        Thread.sleep(50); // e.g. a split during a move: wait for it to finish
        continue;
      }
      CasResult r =
          admin
              .updateIfVersion(
                  ClusterManager.mapKey(), s.version(), Bytes.wrap(ClusterMapCodec.encode(next)))
              .get(30, TimeUnit.SECONDS);
      if (r instanceof CasResult.Applied) {
        return;
      }
      Stored after = read(admin);
      if (r instanceof CasResult.Unknown && after != null && after.map().equals(next)) {
        return; // the write applied after all
      }
    }
    throw new AssertionError("could not change the cluster map");
  }
}
