package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.check.HistoryRecorder;
import io.quorumkv.replication.check.LinearizabilityChecker;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.GroupConfig;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Six real nodes in two replica groups of three, one segment each: clients send every request to
 * any node (so most are forwarded one hop), while segments move between groups one replica at a
 * time through the joint configuration, a settle of every key by the old group, and the new
 * configuration. The whole history is checked for linearizability, and each node that left a
 * segment is checked to have dropped its keys.
 */
class MultiGroupClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(MultiGroupClusterTest.class);
  private static final int PROCESSES = 8;
  private static final int MIN_OPS_PER_PROCESS = 60;
  private static final List<Bytes> KEYS =
      List.of(
          Bytes.utf8("a"),
          Bytes.utf8("b"),
          Bytes.utf8("c"),
          Bytes.utf8("d"),
          Bytes.utf8("e"),
          Bytes.utf8("f"));

  /** A key's segment: the parity of its last byte (so "b", "d", "f" are in 0, the rest in 1). */
  private static final ToIntFunction<Bytes> PARITY =
      k -> {
        byte[] b = k.toByteArray();
        return b.length == 0 ? 0 : b[b.length - 1] & 1;
      };

  private static final int MOVES = 24;

  /** The seed of the moves' choices; replay with -Dmoves.seed=S. */
  private static final long SEED = Long.getLong("moves.seed", System.nanoTime());

  @TempDir Path dir;

  private final List<Long> movePauses = new ArrayList<>();

  @Test
  void requestsThroughAnyNodeStayLinearizableWhileSegmentsMove() throws Exception {
    NodeTopology start =
        new NodeTopology(
            1,
            PARITY,
            List.of(
                GroupConfig.stable(0, List.of(1, 2, 3)), GroupConfig.stable(0, List.of(4, 5, 6))),
            NodeTopology.metaGroup(List.of(1, 2, 3, 4, 5, 6)));
    HistoryRecorder recorder = new HistoryRecorder();
    AtomicInteger nextProcess = new AtomicInteger(PROCESSES);
    AtomicInteger unknowns = new AtomicInteger();
    AtomicBoolean moved = new AtomicBoolean();
    NodeTopology last;
    long forwarded = 0;
    try (TestCluster cluster = new TestCluster(6, "bitcask", dir)) {
      for (int i = 1; i <= 6; i++) {
        cluster.start(i, start);
      }
      cluster.awaitConnected();
      List<QuorumClient> clients = List.of(cluster.client(1), cluster.client(2));
      try {
        List<Thread> threads = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int p = 0; p < PROCESSES; p++) {
          int proc = p;
          QuorumClient client = clients.get(p % clients.size());
          Thread t =
              new Thread(
                  () -> {
                    ClusterLinearizabilityTest.run(
                        proc,
                        client,
                        recorder,
                        nextProcess,
                        unknowns,
                        KEYS,
                        MIN_OPS_PER_PROCESS,
                        () -> false);
                    done.incrementAndGet();
                    // Keep the keys busy until the last move is through.
                    ClusterLinearizabilityTest.run(
                        proc + 1000,
                        client,
                        recorder,
                        nextProcess,
                        unknowns,
                        KEYS,
                        Integer.MAX_VALUE,
                        moved::get);
                  },
                  "proc-" + p);
          t.start();
          threads.add(t);
        }
        last = start;
        Random rnd = new Random(SEED);
        for (int m = 0; m < MOVES; m++) {
          int segment = rnd.nextInt(2);
          List<Integer> group = last.configs().get(segment).replicas();
          List<Integer> others = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6));
          others.removeAll(group);
          last =
              move(
                  cluster,
                  last,
                  segment,
                  group.get(rnd.nextInt(group.size())),
                  others.get(rnd.nextInt(others.size())));
        }
        moved.set(true);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(done.get()).isEqualTo(PROCESSES);
        for (int i = 1; i <= 6; i++) {
          forwarded += cluster.nodes[i].metrics().get("requests.forwarded");
        }
        assertLeftSegmentsAreDropped(cluster, clients.get(0), last);
      } finally {
        clients.forEach(QuorumClient::close);
      }
    }
    var history = recorder.history();
    var result = new LinearizabilityChecker().check(history);
    LOG.warn(
        "seed {}: {} ops, {} unknown, {} forwarded, {} moves; pause per move (joint adopted to new adopted):"
            + " {} ms",
        SEED,
        history.size(),
        unknowns.get(),
        forwarded,
        MOVES,
        movePauses);
    assertThat(result.linearizable())
        .as(
            "%s; replay: mvn -pl replication verify -Dtest=MultiGroupClusterTest -Dmoves.seed=%d",
            result.explanation(), SEED)
        .isTrue();
    assertThat(result.opsChecked()).isGreaterThan(PROCESSES * MIN_OPS_PER_PROCESS / 2);
    assertThat(forwarded).as("requests reaching a node outside the key's group").isPositive();
  }

  /** Moves {@code segment} from a group with {@code out} to one with {@code in} instead. */
  private NodeTopology move(TestCluster cluster, NodeTopology from, int segment, int out, int in)
      throws Exception {
    GroupConfig before = from.configs().get(segment);
    assertThat(before.replicas()).contains(out).doesNotContain(in);
    List<Integer> target = new ArrayList<>(before.replicas());
    target.set(target.indexOf(out), in);
    long began = System.nanoTime();
    NodeTopology joint =
        with(from, segment, new GroupConfig(before.epoch() + 1, before.replicas(), target));
    adoptEverywhere(cluster, joint);
    List<CompletableFuture<Long>> settles = new ArrayList<>();
    for (int m : before.replicas()) {
      // Driven from node 1, which is often no member: the request travels as a peer message.
      settles.add(cluster.nodes[1].settleSegmentOn(m, segment, before.epoch() + 1, 10_000));
    }
    long keys = 0;
    for (CompletableFuture<Long> s : settles) {
      keys += s.get(15, TimeUnit.SECONDS);
    }
    NodeTopology after = with(joint, segment, GroupConfig.stable(before.epoch() + 2, target));
    adoptEverywhere(cluster, after);
    movePauses.add((System.nanoTime() - began) / 1_000_000);
    LOG.info("segment {}: {} -> {}, {} key records settled", segment, out, in, keys);
    return after;
  }

  private static NodeTopology with(NodeTopology t, int segment, GroupConfig c) {
    List<GroupConfig> configs = new ArrayList<>(t.configs());
    configs.set(segment, c);
    return t.with(t.version() + 1, t.segmentOf(), configs);
  }

  private static void adoptEverywhere(TestCluster cluster, NodeTopology t) throws Exception {
    byte[] durable = ByteBuffer.allocate(8).putLong(t.version()).array();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      all.add(cluster.nodes[i].adopt(t, durable));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
  }

  /**
   * Reads every key through the cluster (settling it in its final group), then checks each node's
   * own copy: a replica of the key's segment eventually holds the version read, and every other
   * node none at all (it forgot the key and deleted its record).
   */
  private static void assertLeftSegmentsAreDropped(
      TestCluster cluster, QuorumClient client, NodeTopology t) throws Exception {
    for (Bytes key : KEYS) {
      Outcome.ReadOk latest = client.get(key).get(10, TimeUnit.SECONDS);
      List<Integer> group = t.configOf(key).replicas();
      int holders = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        holders = 0;
        boolean othersEmpty = true;
        for (int i = 1; i <= 6; i++) {
          Outcome.ReadOk local = client.readStale(i, key).get(5, TimeUnit.SECONDS);
          if (group.contains(i)) {
            holders += local.version() == latest.version() ? 1 : 0;
          } else {
            othersEmpty &= local.version() == 0 && local.value() == null;
          }
        }
        if ((holders >= 2 && othersEmpty) || System.nanoTime() > deadline) {
          assertThat(othersEmpty).as("nodes outside %s forgot %s", group, key).isTrue();
          break;
        }
        Thread.sleep(50);
      }
      assertThat(holders)
          .as("replicas of %s at version %d", key, latest.version())
          .isGreaterThan(1);
    }
    // A read under the final configuration of a key no node ever wrote answers as absent.
    Outcome o =
        cluster
            .nodes[5]
            .submit(Bytes.utf8("never-written"), new Operation.Read(), null, false, 5_000)
            .get(10, TimeUnit.SECONDS);
    assertThat(o).isEqualTo(new Outcome.ReadOk(null, 0));
  }
}
