package io.quorumkv.bench.peers.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop load generator: {@code clients} threads, each with its own {@link Client} and one
 * operation in flight, run a {@link Workload} against a {@link Target} for a warm-up and then a
 * measured window.
 *
 * <p>An operation counts (in ops/s, the latency histogram, applied/conflicts) only if it both
 * started and finished inside the measured window, so ops/s is operations completed per second of
 * that window. A failed operation counts as an error instead, never stops its client, and its
 * latency is not recorded; the first few failures are logged. The clients keep running from the end
 * of the window until {@link MeasureListener#ended()} has returned, so a listener sampling CPU sees
 * the systems under load for its whole window.
 */
public final class LoadGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

  /** Keys of the {@link Workload#CAS_HOT} workload: 10, shared by all clients. */
  public static final int HOT_KEYS = 10;

  /** How many failed operations of a run are logged with their exception. */
  static final int LOGGED_ERRORS = 5;

  /** The longest latency the histograms hold; longer operations are recorded as this. */
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  /** How long to wait for a client's last operation after the run before giving up on it. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private static final int WARMUP = 0;
  private static final int MEASURE = 1;
  private static final int COOLDOWN = 2;
  private static final int STOP = 3;

  /** What an operation did, for the applied/conflict counts. */
  enum Outcome {
    DONE,
    APPLIED,
    CONFLICT
  }

  /** One thread's operation stream over its own client. */
  interface Operation {
    Outcome run() throws Exception;
  }

  private LoadGenerator() {}

  /**
   * Runs {@code workload} against {@code target}, which must have been {@link Target#load loaded}
   * with {@code options.keys()} keys first.
   *
   * @throws Exception if opening a client fails (nothing is measured then); failures of single
   *     operations are counted in {@link RunResult#errors()} instead
   */
  public static RunResult run(
      Target target, Workload workload, LoadOptions options, MeasureListener listener)
      throws Exception {
    List<Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < options.clients(); i++) {
        clients.add(target.newClient());
      }
      return measure(target.name(), workload, options, listener, clients);
    } finally {
      for (Client c : clients) {
        c.close();
      }
    }
  }

  private static RunResult measure(
      String targetName,
      Workload workload,
      LoadOptions options,
      MeasureListener listener,
      List<Client> clients)
      throws Exception {
    YcsbOperations ycsb = YcsbOperations.forWorkload(workload, options);
    Run run = new Run(workload, clients.size());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      Operation op =
          ycsb != null
              ? ycsb.operation(clients.get(i), i)
              : builtIn(workload, options, clients.get(i), i);
      Worker w = new Worker(run, op);
      run.workers.add(w);
      Thread t = new Thread(w, "load-" + targetName + "-" + workload + "-" + i);
      t.setDaemon(true); // a client stuck in a system call must not keep the JVM alive
      threads.add(t);
    }
    threads.forEach(Thread::start);

    sleep(options.warmup());
    listener.started();
    long from = System.nanoTime();
    run.phase = MEASURE;
    sleep(options.measure());
    run.phase = COOLDOWN;
    long to = System.nanoTime();
    listener.ended();
    run.phase = STOP;

    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        LOG.warn(
            "{} still in an operation {} after the run; closing its client",
            t.getName(),
            STOP_GRACE);
      }
    }

    Histogram all = new Histogram(MAX_MICROS, 3);
    long ops = 0;
    long applied = 0;
    long conflicts = 0;
    long errors = 0;
    for (Worker w : run.workers) {
      all.add(w.histogram);
      ops += w.ops;
      applied += w.applied;
      conflicts += w.conflicts;
      errors += w.errors;
    }
    if (run.failures.get() > LOGGED_ERRORS) {
      LOG.warn(
          "{} {}: {} failed operations in all (the first {} are logged above)",
          targetName,
          workload,
          run.failures.get(),
          LOGGED_ERRORS);
    }
    double seconds = (to - from) / 1e9;
    return new RunResult(
        targetName,
        workload,
        clients.size(),
        ops,
        seconds,
        ops / seconds,
        all.getValueAtPercentile(50),
        all.getValueAtPercentile(99),
        all.getValueAtPercentile(99.9),
        applied,
        conflicts,
        errors);
  }

  private static void sleep(Duration d) throws InterruptedException {
    long nanos = d.toNanos();
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  /** The operations of the workloads defined here (everything but YCSB). */
  private static Operation builtIn(Workload workload, LoadOptions o, Client c, int thread) {
    // Each thread its own stream, derived from the run's seed, so runs are repeatable per thread.
    SplittableRandom random = new SplittableRandom(o.seed() + 0x9E3779B97F4A7C15L * (thread + 1));
    int valueBytes = o.valueBytes();
    long keys = o.keys();
    return switch (workload) {
      case GET ->
          () -> {
            String key = Keys.key(random.nextLong(keys));
            if (c.get(key) == null) {
              throw new IllegalStateException("key " + key + " is missing: was the target loaded?");
            }
            return Outcome.DONE;
          };
      case PUT ->
          () -> {
            c.put(Keys.key(random.nextLong(keys)), value(random, valueBytes));
            return Outcome.DONE;
          };
      case CAS -> () -> readThenCas(c, Keys.key(random.nextLong(keys)), random, valueBytes);
      case CAS_HOT ->
          () ->
              readThenCas(
                  c, Keys.key(random.nextLong(Math.min(HOT_KEYS, keys))), random, valueBytes);
      default -> throw new IllegalArgumentException("not a built-in workload: " + workload);
    };
  }

  private static Outcome readThenCas(Client c, String key, SplittableRandom random, int bytes)
      throws Exception {
    byte[] current = c.get(key);
    if (current == null) {
      throw new IllegalStateException("key " + key + " is missing: was the target loaded?");
    }
    return c.compareAndSet(key, current, value(random, bytes)) ? Outcome.APPLIED : Outcome.CONFLICT;
  }

  /**
   * A fresh random value: random bytes, so no system can compress or deduplicate them. The first
   * byte is never 0x1f: Avatica (under the QuorumKV JDBC driver) tries to gunzip a byte parameter
   * that starts with the gzip magic 0x1f 0x8b, logging a stack trace when that fails.
   */
  static byte[] value(SplittableRandom random, int bytes) {
    byte[] v = new byte[bytes];
    random.nextBytes(v);
    if (v[0] == 0x1f) {
      v[0] = 0x20;
    }
    return v;
  }

  /** What the workers of one run share. */
  private static final class Run {
    final Workload workload;
    final List<Worker> workers;
    final AtomicInteger failures = new AtomicInteger();
    volatile int phase = WARMUP;

    Run(Workload workload, int clients) {
      this.workload = workload;
      this.workers = new ArrayList<>(clients);
    }
  }

  /** One client's loop; its counters are read by the generator only after the loop has ended. */
  private static final class Worker implements Runnable {
    final Run run;
    final Operation op;
    final Histogram histogram = new Histogram(MAX_MICROS, 3);
    long ops;
    long applied;
    long conflicts;
    long errors;

    Worker(Run run, Operation op) {
      this.run = run;
      this.op = op;
    }

    @Override
    public void run() {
      int phase;
      while ((phase = run.phase) != STOP) {
        long t0 = System.nanoTime();
        Outcome outcome = null;
        Exception failure = null;
        try {
          outcome = op.run();
        } catch (Exception e) {
          failure = e;
        } catch (LinkageError | AssertionError e) {
          // e.g. a client library built against another Netty: count it rather than lose the thread
          failure = new IllegalStateException(e);
        }
        long micros = (System.nanoTime() - t0) / 1000;
        boolean measured = phase == MEASURE && run.phase == MEASURE;
        if (failure != null) {
          int n = run.failures.incrementAndGet();
          if (n <= LOGGED_ERRORS) {
            LOG.warn(
                "{} failed ({} of at most {} logged)", run.workload, n, LOGGED_ERRORS, failure);
          }
          if (measured) {
            errors++;
          }
          continue;
        }
        if (measured) {
          histogram.recordValue(Math.min(MAX_MICROS, Math.max(1, micros)));
          ops++;
          if (outcome == Outcome.APPLIED) {
            applied++;
          } else if (outcome == Outcome.CONFLICT) {
            conflicts++;
          }
        }
      }
    }
  }
}
