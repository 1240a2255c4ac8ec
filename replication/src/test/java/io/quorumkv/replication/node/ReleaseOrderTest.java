package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node releases while one of its fsyncs hangs. Messages and replies that vouch for nothing
 * durable (here: a read of another key) must not wait behind another key's pending fsync; before,
 * every release waited in one FIFO behind all earlier synced writes, which cost a read+CAS pair
 * three extra fsync waits. What depends on the pending write (the write's own round) must wait.
 */
class ReleaseOrderTest {
  @TempDir Path dir;

  private static Bytes b(String s) {
    return Bytes.utf8(s);
  }

  @Test
  void aReadIsAnsweredWhileAnotherKeysFsyncIsPending() throws Exception {
    Gate gate = new Gate();
    try (TestCluster c = new TestCluster(3, "memory", dir)) {
      c.start(1, e -> new GatedEngine(e, gate));
      c.start(2);
      c.start(3);
      c.awaitConnected();
      Outcome first =
          c.nodes[1].submit(b("r"), new Operation.Put(b("1")), id(1), false, 30_000).get();
      assertThat(first).isInstanceOf(CasResult.Applied.class);
      // The put returns once r is chosen, while its commit may still be on the way: a read now,
      // with the gate open, finishes whatever a quorum read of r would otherwise have to finish
      // with a synced write later (which the gate would hold).
      assertThat(c.nodes[1].submit(b("r"), new Operation.Read(), null, false, 30_000).get())
          .isEqualTo(new Outcome.ReadOk(b("1"), 1));

      // node 1's synced writes do not complete until the gate opens: the put of w (a first write,
      // so a prepare round) cannot send its Prepare before node 1's own promise is durable
      gate.close();
      CompletableFuture<Outcome> put =
          c.nodes[1].submit(b("w"), new Operation.Put(b("x")), id(2), false, 30_000);
      assertThat(gate.held()).succeedsWithin(30, TimeUnit.SECONDS);

      // a read of r through node 1 needs no write: it completes while the gate is still closed
      Outcome read =
          c.nodes[1]
              .submit(b("r"), new Operation.Read(), null, false, 30_000)
              .get(30, TimeUnit.SECONDS);
      assertThat(read).isEqualTo(new Outcome.ReadOk(b("1"), 1));
      assertThat(put).as("the put's round waits for its own synced write").isNotDone();

      gate.open();
      assertThat(put.get(30, TimeUnit.SECONDS)).isInstanceOf(CasResult.Applied.class);
    }
  }

  private static RequestId id(long seq) {
    return new RequestId(77, seq);
  }

  /** Holds the completion of synced writes while closed (the write itself happens). */
  private static final class Gate {
    private CompletableFuture<Void> open = CompletableFuture.completedFuture(null);
    private final CompletableFuture<Void> held = new CompletableFuture<>();

    synchronized void close() {
      open = new CompletableFuture<>();
    }

    synchronized void open() {
      open.complete(null);
    }

    synchronized CompletableFuture<Void> pass(Durability d) {
      if (d == Durability.SYNC && !open.isDone()) {
        held.complete(null);
      }
      return d == Durability.SYNC ? open : CompletableFuture.completedFuture(null);
    }

    /** Completes when the first synced write was held. */
    CompletableFuture<Void> held() {
      return held;
    }
  }

  /** An engine whose tables hold synced writes' completion at the gate, in submission order. */
  private record GatedEngine(StorageEngine delegate, Gate gate) implements StorageEngine {
    @Override
    public String kind() {
      return delegate.kind();
    }

    @Override
    public Table table(String name) {
      Table t = delegate.table(name);
      return new Table() {
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

        @Override
        public String name() {
          return t.name();
        }

        @Override
        public byte[] get(byte[] key) {
          return t.get(key);
        }

        @Override
        public synchronized CompletableFuture<Void> writeAsync(WriteBatch batch, Durability d) {
          CompletableFuture<Void> written = t.writeAsync(batch, d);
          // completions stay in submission order, as the Table contract promises
          last = CompletableFuture.allOf(written, gate.pass(d), last);
          return last;
        }

        @Override
        public Scan scan(KeyRange range) {
          return t.scan(range);
        }
      };
    }

    @Override
    public List<String> tableNames() {
      return delegate.tableNames();
    }

    @Override
    public boolean dropTable(String name) {
      return delegate.dropTable(name);
    }

    @Override
    public Map<String, Long> metrics() {
      return delegate.metrics();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
