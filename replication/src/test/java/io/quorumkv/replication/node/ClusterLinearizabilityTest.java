package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryRecorder;
import io.quorumkv.replication.check.LinearizabilityChecker;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.client.RequestFailedException;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three real nodes (real sockets on 127.0.0.2-4, real engines) and concurrent native clients doing
 * get / put / delete / cas / update-if-version on a few keys; the history is checked for
 * linearizability with the same checker as the simulator.
 */
class ClusterLinearizabilityTest {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLinearizabilityTest.class);
  private static final int PROCESSES = 8;
  private static final int OPS_PER_PROCESS = 120;
  private static final List<Bytes> KEYS =
      List.of(Bytes.utf8("a"), Bytes.utf8("b"), Bytes.utf8("c"));

  @TempDir Path dir;

  /** CAS on the version, modelled as an update function so the checker can verify it. */
  record IfVersion(long expected, Bytes newValue) implements Operation.UpdateFunction {
    @Override
    public Operation.Decision apply(Bytes current, long version) {
      return version == expected ? new Operation.Decision.Write(newValue) : Operation.Decision.SKIP;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "bitcask"})
  void concurrentClientsAreLinearizable(String engine) throws Exception {
    HistoryRecorder recorder = new HistoryRecorder();
    AtomicInteger nextProcess = new AtomicInteger(PROCESSES);
    AtomicInteger unknowns = new AtomicInteger();
    long start;
    long elapsed;
    try (TestCluster cluster = new TestCluster(3, engine, dir).startAll()) {
      cluster.awaitConnected();
      List<QuorumClient> clients = List.of(cluster.client(1), cluster.client(2));
      try {
        List<Thread> threads = new ArrayList<>();
        start = System.nanoTime();
        for (int p = 0; p < PROCESSES; p++) {
          int proc = p;
          QuorumClient client = clients.get(p % clients.size());
          Thread t =
              new Thread(
                  () ->
                      run(
                          proc,
                          client,
                          recorder,
                          nextProcess,
                          unknowns,
                          KEYS,
                          OPS_PER_PROCESS,
                          () -> false),
                  "proc-" + p);
          t.start();
          threads.add(t);
        }
        for (Thread t : threads) {
          t.join();
        }
        elapsed = System.nanoTime() - start;
      } finally {
        clients.forEach(QuorumClient::close);
      }
    }
    var history = recorder.history();
    var result = new LinearizabilityChecker().check(history);
    double opsPerSec = history.size() / (elapsed / 1e9);
    LOG.warn(
        "{}: {} ops by {} processes in {} ms ({} ops/s, sequential per process), {} unknown",
        engine,
        history.size(),
        PROCESSES,
        elapsed / 1_000_000,
        Math.round(opsPerSec),
        unknowns.get());
    assertThat(result.linearizable()).as(result.explanation()).isTrue();
    assertThat(result.opsChecked()).isGreaterThan(PROCESSES * OPS_PER_PROCESS / 2);
  }

  /**
   * One client process of the workload: {@code ops} random operations on {@code keys} (fewer if
   * {@code stop} says so first), recorded in {@code recorder}; a process whose operation ended
   * unknown continues under a new process number.
   */
  static void run(
      int firstProcess,
      QuorumClient client,
      HistoryRecorder recorder,
      AtomicInteger nextProcess,
      AtomicInteger unknowns,
      List<Bytes> keys,
      int ops,
      BooleanSupplier stop) {
    Random rnd = new Random(firstProcess);
    int process = firstProcess;
    Map<Bytes, Outcome.ReadOk> seen = new HashMap<>();
    for (int i = 0; i < ops && !stop.getAsBoolean(); i++) {
      Bytes key = keys.get(rnd.nextInt(keys.size()));
      Bytes value = Bytes.utf8("p" + firstProcess + "." + i);
      Outcome.ReadOk last = seen.getOrDefault(key, new Outcome.ReadOk(null, 0));
      int r = rnd.nextInt(100);
      int h;
      CompletableFuture<? extends Outcome> f;
      IfVersion ifVersion = null;
      synchronized (recorder) {
        if (r < 30) {
          h = recorder.invoke(process, key, Kind.READ, null, null);
          f = client.get(key);
        } else if (r < 50) {
          h = recorder.invoke(process, key, Kind.WRITE, value, null);
          f = client.put(key, value);
        } else if (r < 55) {
          h = recorder.invoke(process, key, Kind.WRITE, null, null);
          f = client.delete(key);
        } else if (r < 80) {
          h = recorder.invoke(process, key, Kind.CAS, value, last.value());
          f = client.cas(key, last.value(), value);
        } else {
          ifVersion = new IfVersion(last.version(), value);
          h = recorder.invokeUpdate(process, key, ifVersion);
          f = client.updateIfVersion(key, last.version(), value);
        }
      }
      Outcome o;
      try {
        o = f.get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RequestFailedException)) {
          throw new AssertionError(e);
        }
        synchronized (recorder) {
          recorder.fail(h);
        }
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (recorder) {
        if (o instanceof Outcome.ReadOk ok) {
          recorder.okRead(h, ok.value(), ok.version());
          seen.put(key, ok);
        } else if (o instanceof CasResult.Applied a) {
          if (ifVersion != null && a.valueKnown()) {
            recorder.okUpdated(h, a.value(), a.version());
          } else {
            recorder.okApplied(h, a.version());
          }
          if (a.valueKnown()) {
            seen.put(key, new Outcome.ReadOk(a.value(), a.version()));
          }
        } else if (o instanceof CasResult.NotApplied n) {
          recorder.okNotApplied(h, n.current(), n.version());
          seen.put(key, new Outcome.ReadOk(n.current(), n.version()));
        } else {
          recorder.info(h);
          unknowns.incrementAndGet();
          process = nextProcess.getAndIncrement(); // Jepsen: never reuse a process after info
        }
      }
    }
  }
}
