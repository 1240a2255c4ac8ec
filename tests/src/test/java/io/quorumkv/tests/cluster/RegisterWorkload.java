package io.quorumkv.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.check.HistoryOp;
import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryRecorder;
import io.quorumkv.replication.check.LinearizabilityChecker;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.client.RequestFailedException;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.PaxosConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * Jepsen-style register workload against a {@link ProcessCluster}: client processes (threads of the
 * test JVM, each running one operation at a time through a {@link QuorumClient}) do get / put /
 * delete / cas / update-if-version on a few keys and record every invocation and completion in a
 * {@link HistoryRecorder} for {@link io.quorumkv.replication.check.LinearizabilityChecker}.
 *
 * <p>Every third process uses the one shared client of the whole cluster (preferred node per key,
 * failover with the same request id); the others have a client each, pinned to one node,
 * round-robin (no failover), so every node coordinates writes and reads, also while it is the one
 * being killed, stopped or cut off. At most {@code paxos.window.size} clients write, so every
 * failover retry is within the exactly-once window.
 *
 * <p>Recording: a definite answer is {@code ok}; {@link RequestFailedException} is {@code fail}
 * (certainly no effect); {@link CasResult.Unknown} is {@code info}, after which the process takes a
 * new id and never reuses the old one (its operation stays concurrent with everything after it). A
 * CAS or update that did not apply is an observation that the key held another value (the checker
 * verifies that it differed from the expected one). Written values are unique ({@code
 * t<thread>.<n>}), which keeps the search near-linear; CAS expects the value the process saw last,
 * so processes collide on the same few values.
 */
final class RegisterWorkload {
  /** How long a client future may take before the test calls it a hang (a client bug). */
  private static final Duration HANG = Duration.ofSeconds(60);

  /**
   * The keys: few, so operations collide, but not so few that one key's history (9 processes,
   * unknown outcomes staying open) outgrows the checker's search on a fast machine.
   */
  static final List<Bytes> KEYS =
      List.of("a", "b", "c", "d", "e", "f", "g", "h").stream().map(Bytes::utf8).toList();

  /** CAS on the version, modelled as an update function so the checker can verify it. */
  record IfVersion(long expected, Bytes newValue) implements Operation.UpdateFunction {
    @Override
    public Operation.Decision apply(Bytes current, long version) {
      return version == expected ? new Operation.Decision.Write(newValue) : Operation.Decision.SKIP;
    }
  }

  private final ProcessCluster cluster;
  private final long seed;
  private final int threads;
  private final Duration timeout;
  private final HistoryRecorder recorder = new HistoryRecorder();
  private final List<QuorumClient> clients = new ArrayList<>();
  private final List<Thread> running = new ArrayList<>();
  private final AtomicInteger nextProcess;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private volatile boolean stop;

  /**
   * A workload of {@code threads} processes over {@code cluster}; {@code seed} fixes each process's
   * operation mix and values; {@code timeout} is the clients' per-attempt deadline.
   */
  RegisterWorkload(ProcessCluster cluster, long seed, int threads, Duration timeout) {
    this.cluster = cluster;
    this.seed = seed;
    this.threads = threads;
    this.timeout = timeout;
    this.nextProcess = new AtomicInteger(threads);
    // Writer client ids: one shared routed client plus one per pinned process. They must not
    // exceed the cluster's exactly-once window (paxos.window.size, default 8 clients per key):
    // beyond it a failover retry of an applied put is not recognised and applies again (the
    // documented limit, PAXOS.md "Exactly-once"), which this test would report as a violation.
    int writerClients = 1 + threads - (threads + 2) / 3;
    if (writerClients > PaxosConfig.DEFAULT.windowSize()) {
      throw new IllegalArgumentException(
          writerClients + " writer clients exceed the exactly-once window");
    }
  }

  /** Starts the processes. */
  void start() {
    QuorumClient routed = cluster.client(1, timeout);
    clients.add(routed);
    int pinned = 0;
    for (int t = 0; t < threads; t++) {
      QuorumClient client;
      if (t % 3 == 0) {
        client = routed;
      } else {
        client = cluster.pinnedClient(1 + pinned % cluster.size(), 2 + pinned, timeout);
        clients.add(client);
        pinned++;
      }
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  runProcess(thread, client);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "register-process-" + t);
      // whatever a process throws fails the test (reported by stop / rethrowProcessError)
      th.setUncaughtExceptionHandler((th0, e) -> error.compareAndSet(null, e));
      th.setDaemon(true);
      th.start();
      running.add(th);
    }
  }

  /** Writes that completed as applied so far (puts, deletes, applied CAS and updates). */
  long appliedWrites() {
    return applied.get();
  }

  /** Operations with a definite answer so far. */
  long okCount() {
    return ok.get();
  }

  /** Operations that certainly had no effect so far. */
  long failCount() {
    return failed.get();
  }

  /** Writes whose outcome is unknown so far. */
  long unknownCount() {
    return unknown.get();
  }

  /** Throws what a process threw (a client future that hung, an unexpected exception). */
  void rethrowProcessError() {
    Throwable e = error.get();
    if (e != null) {
      throw new AssertionError("a client process failed: " + e, e);
    }
  }

  /**
   * Stops the processes after their current operation and waits for them (each operation ends
   * within the clients' deadlines), then closes the clients. Idempotent; does not report process
   * errors (see {@link #rethrowProcessError}).
   */
  void stop() throws InterruptedException {
    stop = true;
    for (Thread t : running) {
      t.join(HANG.toMillis() * 2);
      if (t.isAlive()) {
        error.compareAndSet(null, new AssertionError(t.getName() + " did not stop"));
      }
    }
    running.clear();
    clients.forEach(QuorumClient::close);
    clients.clear();
  }

  /** The history recorded so far. */
  /**
   * Checks the whole history (after {@link #stop}): linearizable, conclusive, and more than 100
   * operations acknowledged. Logs the seed, the test's {@code events} and the counts; a failure
   * names the seed and {@code -DreplayProperty=seed}, which replays the choices (not the timing).
   */
  void assertLinearizable(Logger log, long seed, List<String> events, String replayProperty) {
    LinearizabilityChecker.Result result = new LinearizabilityChecker().check(history());
    log.warn(
        "seed {}: {}; {} ops checked, {} ok, {} failed, {} unknown",
        seed,
        events,
        result.opsChecked(),
        okCount(),
        failCount(),
        unknownCount());
    assertThat(result.inconclusive()).isFalse();
    assertThat(result.linearizable())
        .as(
            "%s (seed %d: -D%s=%d replays the choices, not the timing)",
            result.explanation(), seed, replayProperty, seed)
        .isTrue();
    assertThat(okCount()).isGreaterThan(100);
  }

  List<HistoryOp> history() {
    synchronized (recorder) {
      return recorder.history();
    }
  }

  /**
   * Reads every key through every node, as fresh processes recorded in the history, until one round
   * finds all nodes agreeing on every key (a value accepted by a minority before the workload
   * stopped may still be completed by one of these reads: that is allowed, so agreement is polled
   * for, not expected on the first round).
   *
   * @return the agreed value of every key
   * @throws AssertionError if the nodes do not agree within {@code within}
   */
  Map<Bytes, Outcome.ReadOk> readEverywhere(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<QuorumClient> readers = new ArrayList<>();
    try {
      for (int i = 1; i <= cluster.size(); i++) {
        readers.add(cluster.pinnedClient(i, 1000 + i, timeout));
      }
      Map<Bytes, Map<Integer, Outcome.ReadOk>> last = new LinkedHashMap<>();
      while (true) {
        Map<Bytes, Outcome.ReadOk> agreed = new LinkedHashMap<>();
        boolean allAgree = true;
        for (Bytes key : KEYS) {
          Map<Integer, Outcome.ReadOk> byNode = new LinkedHashMap<>();
          for (int i = 1; i <= cluster.size(); i++) {
            Outcome.ReadOk r = recordedRead(readers.get(i - 1), key);
            if (r != null) {
              byNode.put(i, r);
            }
          }
          last.put(key, byNode);
          if (byNode.size() == cluster.size() && byNode.values().stream().distinct().count() == 1) {
            agreed.put(key, byNode.get(1));
          } else {
            allAgree = false;
          }
        }
        if (allAgree) {
          return agreed;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the nodes did not all serve the same final values within "
                  + within.toSeconds()
                  + " s; last reads by node: "
                  + last);
        }
        Thread.sleep(50); // poll interval
      }
    } finally {
      readers.forEach(QuorumClient::close);
    }
  }

  /** One read through {@code client}, recorded as a one-operation process; null if it failed. */
  private Outcome.ReadOk recordedRead(QuorumClient client, Bytes key) throws InterruptedException {
    int process = nextProcess.getAndIncrement();
    int h;
    CompletableFuture<Outcome.ReadOk> f;
    synchronized (recorder) {
      h = recorder.invoke(process, key, Kind.READ, null, null);
      f = client.get(key);
    }
    Outcome.ReadOk r = null;
    try {
      r = f.get(HANG.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RequestFailedException)) {
        throw new AssertionError("read failed unexpectedly", e.getCause());
      }
    } catch (TimeoutException e) {
      throw new AssertionError("a client read hung for " + HANG.toSeconds() + " s", e);
    }
    synchronized (recorder) {
      if (r == null) {
        recorder.fail(h);
      } else {
        recorder.okRead(h, r.value(), r.version());
      }
    }
    return r;
  }

  private void runProcess(int thread, QuorumClient client) throws InterruptedException {
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + thread);
    int process = thread;
    Map<Bytes, Outcome.ReadOk> seen = new HashMap<>();
    for (int n = 0; !stop; n++) {
      Bytes key = KEYS.get(rnd.nextInt(KEYS.size()));
      Bytes value = Bytes.utf8("t" + thread + "." + n);
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
        } else if (r < 85) {
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
        o = f.get(HANG.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RequestFailedException)) {
          throw new AssertionError("unexpected client error", e.getCause());
        }
        synchronized (recorder) {
          recorder.fail(h);
        }
        failed.incrementAndGet();
        // Pacing, not synchronization: a process pinned to a dead node would otherwise spin on
        // refused connections and starve the others on a 2-core machine.
        Thread.sleep(20);
        continue;
      } catch (TimeoutException e) {
        throw new AssertionError(
            "a client future did not complete within " + HANG.toSeconds() + " s (a hang)", e);
      }
      synchronized (recorder) {
        if (o instanceof Outcome.ReadOk read) {
          recorder.okRead(h, read.value(), read.version());
          seen.put(key, read);
        } else if (o instanceof CasResult.Applied a) {
          if (ifVersion != null && a.valueKnown()) {
            recorder.okUpdated(h, a.value(), a.version());
          } else {
            recorder.okApplied(h, a.version());
          }
          if (a.valueKnown()) {
            seen.put(key, new Outcome.ReadOk(a.value(), a.version()));
          }
          applied.incrementAndGet();
        } else if (o instanceof CasResult.NotApplied na) {
          recorder.okNotApplied(h, na.current(), na.version());
          seen.put(key, new Outcome.ReadOk(na.current(), na.version()));
        } else if (o instanceof CasResult.Unknown) {
          recorder.info(h);
          unknown.incrementAndGet();
          process = nextProcess.getAndIncrement(); // Jepsen: never reuse a process after info
          continue;
        } else {
          throw new AssertionError("unexpected outcome " + o);
        }
      }
      ok.incrementAndGet();
    }
  }
}
