package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writes of one key submitted at once by one client (QuorumClient's "writes of one key are
 * sent one at a time"): real nodes, bitcask, sockets on loopback. Sent concurrently, all but the
 * newest would meet a newer write of the same client in the key's exactly-once window and could
 * only be answered "unknown" (found by the peer benchmark's cas-hot workload).
 */
class ClientWriteOrderTest {
  @TempDir Path dir;

  private static final int WRITES = 200;

  @Test
  void pipelinedWritesOfOneKeyAreAppliedInSubmissionOrder() throws Exception {
    try (TestCluster cluster = new TestCluster(3, "bitcask", dir).startAll()) {
      cluster.awaitConnected();
      try (QuorumClient client = cluster.client(77)) {
        Bytes key = Bytes.utf8("counter");
        assertThat(client.put(key, Bytes.utf8("0")).get()).isInstanceOf(CasResult.Applied.class);
        // Each CAS expects the value the previous one writes: only submission order applies all.
        List<CompletableFuture<CasResult>> chain = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
          chain.add(
              client.cas(
                  key, Bytes.utf8(Integer.toString(i)), Bytes.utf8(Integer.toString(i + 1))));
        }
        for (int i = 0; i < WRITES; i++) {
          assertThat(chain.get(i).get()).as("cas %d", i).isInstanceOf(CasResult.Applied.class);
        }
        assertThat(client.get(key).get().value()).isEqualTo(Bytes.utf8(Integer.toString(WRITES)));

        // Plain overwrites, interleaved over a few keys: none unknown, the last one wins per key.
        List<CompletableFuture<CasResult>> puts = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
          puts.add(client.put(Bytes.utf8("hot" + (i % 4)), Bytes.utf8("p" + i)));
        }
        for (CompletableFuture<CasResult> p : puts) {
          assertThat(p.get()).isInstanceOf(CasResult.Applied.class);
        }
        for (int k = 0; k < 4; k++) {
          assertThat(client.get(Bytes.utf8("hot" + k)).get().value())
              .isEqualTo(Bytes.utf8("p" + (WRITES - 4 + k)));
        }

        // Writes of one key submitted from many threads at once: the request id is drawn when a
        // write leaves the queue, so no thread's write meets a newer id of this client.
        Bytes shared = Bytes.utf8("shared");
        List<CompletableFuture<CasResult>> racing = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          Thread writer =
              new Thread(
                  () -> {
                    for (int i = 0; i < 25; i++) {
                      racing.add(client.put(shared, Bytes.utf8(thread + "-" + i)));
                    }
                  });
          writer.start();
          threads.add(writer);
        }
        for (Thread t : threads) {
          t.join();
        }
        for (CompletableFuture<CasResult> p : racing) {
          assertThat(p.get()).isInstanceOf(CasResult.Applied.class);
        }
      }
    }
  }
}
