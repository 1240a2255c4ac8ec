package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rough measurement, not a benchmark (that is bench/'s job): 64 requests in flight from one
 * native client against an in-JVM 3-node bitcask cluster (durable SYNC writes): uncontended first
 * puts of 6,000 keys (no previous value, so prepare + accept), overwrites of the same keys (the
 * client sends each key to the same node, which owns the fast ballot: one round trip), then
 * linearizable gets. Logs ops/s and the group-commit batching; asserts only that everything was
 * applied.
 */
class ClusterThroughputTest {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterThroughputTest.class);
  private static final int IN_FLIGHT = 64;
  private static final int OPS = 6000;

  @TempDir Path dir;

  @Test
  void pipelinedPutsAndGets() throws Exception {
    try (TestCluster c = new TestCluster(3, "bitcask", dir).startAll();
        QuorumClient client = c.client(99)) {
      c.awaitConnected();
      String[] rounds = {"first puts (prepare + accept)", "overwrites (fast path)", "gets"};
      for (int round = 0; round < rounds.length; round++) {
        boolean puts = round < 2;
        Semaphore window = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(OPS);
        AtomicLong ok = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          window.acquire();
          Bytes key = Bytes.utf8("key-" + i);
          (puts ? client.put(key, Bytes.utf8("value-" + i)) : client.get(key))
              .whenComplete(
                  (o, t) -> {
                    if (t == null && (!puts || o instanceof CasResult.Applied)) {
                      ok.incrementAndGet();
                    }
                    window.release();
                    done.countDown();
                  });
        }
        done.await();
        long micros = (System.nanoTime() - start) / 1000;
        LOG.warn(
            "{}: {} ops with {} in flight in {} ms = {} ops/s; node 1 metrics {}",
            rounds[round],
            OPS,
            IN_FLIGHT,
            micros / 1000,
            OPS * 1_000_000L / Math.max(1, micros),
            c.nodes[1].metrics());
        assertThat(ok.get()).isEqualTo(OPS);
      }
    }
  }
}
