package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose data directory is deleted rebuilds from its peers (PAXOS.md, "A replica that lost
 * its disk"): real nodes, real bitcask files, sockets on loopback.
 */
class ClusterRebuildTest {
  @TempDir Path dir;

  private static final int KEYS = 700; // more than two rebuild chunks

  @Test
  void aNodeWhoseDiskIsDeletedRebuildsFromItsPeersAndServesEveryKey() throws Exception {
    try (TestCluster cluster = new TestCluster(3, "bitcask", dir).startAll()) {
      cluster.awaitConnected();
      try (QuorumClient client = cluster.client(41)) {
        List<CompletableFuture<CasResult>> writes = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
          writes.add(client.put(key(i), Bytes.utf8("v" + i)));
        }
        for (CompletableFuture<CasResult> w : writes) {
          assertThat(w.get()).isInstanceOf(CasResult.Applied.class);
        }
        // a second version of some keys, and a deleted one
        client.put(key(1), Bytes.utf8("second")).get();
        client.delete(key(2)).get();

        cluster.stop(3);
        deleteRecursively(dir.resolve("node-3"));
        // writes continue on the other two while node 3 is away and while it rebuilds
        assertThat(client.put(key(3), Bytes.utf8("while-away")).get())
            .isInstanceOf(CasResult.Applied.class);
        cluster.start(3);
        cluster.awaitConnected();
        assertThat(client.put(key(4), Bytes.utf8("while-rebuilding")).get())
            .isInstanceOf(CasResult.Applied.class);
        awaitSettled(cluster.nodes[3]);

        for (int i = 0; i < KEYS; i++) {
          Outcome.ReadOk chosen = client.get(key(i)).get();
          Outcome.ReadOk local = client.readStale(3, key(i)).get();
          // nothing was written since the chosen read: the rebuilt copy must be exactly it
          assertThat(local).as("key %d", i).isEqualTo(chosen);
        }
        assertThat(client.readStale(3, key(1)).get().value()).isEqualTo(Bytes.utf8("second"));
        assertThat(client.readStale(3, key(2)).get().value()).isNull();
        // and it coordinates again
        assertThat(
                cluster
                    .nodes[3]
                    .submit(
                        key(5),
                        new io.quorumkv.replication.paxos.Operation.Read(),
                        null,
                        false,
                        2000)
                    .get())
            .isEqualTo(new Outcome.ReadOk(Bytes.utf8("v5"), 1));
      }
      // a restart after the rebuild keeps it (the marker is durable): settled at once
      cluster.stop(3);
      cluster.start(3);
      assertThat(cluster.nodes[3].isSettled()).isTrue();
    }
  }

  private static Bytes key(int i) {
    return Bytes.utf8(String.format("key-%04d", i));
  }

  private static void awaitSettled(ReplicaNode node) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!node.isSettled()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node " + node.id() + " did not finish rebuilding in 60 s");
      }
      Thread.sleep(20); // polls: a rebuild has no completion event to wait on
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
