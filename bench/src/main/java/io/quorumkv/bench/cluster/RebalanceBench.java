package io.quorumkv.bench.cluster;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How a loaded cluster grows: {@code --founders} node JVMs are loaded with {@code --keys} keys,
 * then {@code --joiners} more nodes join through the founders' client ports while clients keep
 * reading and writing random keys ({@code --concurrency} in flight, half linearizable gets, half
 * puts). Reports the time from the join to a settled map, the number of map changes, and the
 * clients' throughput and latency before and during the rebalance (its maximum is the longest any
 * request waited, including the pauses of moves), with every outcome counted. {@code --moves} is
 * the nodes' {@code cluster.max-concurrent-moves}, {@code --rate} their {@code
 * rebalance.max-bytes-per-sec}.
 *
 * <pre>
 * RebalanceBench [--founders 3] [--joiners 3] [--keys 200000] [--concurrency 32] [--before 10]
 *                [--rate BYTES_PER_SEC] [--moves K] [--dir DIR] [--out FILE]
 * </pre>
 */
public final class RebalanceBench {
  private static final long MAX_LATENCY_MICROS = 120_000_000L;

  private RebalanceBench() {}

  /** Counts and latencies of one phase. */
  private static final class Phase {
    final Histogram latency = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    volatile long startNanos;
    volatile long endNanos;

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }

    String row(String name) {
      return String.format(
          Locale.ROOT,
          "| %s | %.1f | %,.0f | %d | %d | %d | %d | %d | %,d | %d |",
          name,
          seconds(),
          ok.get() / seconds(),
          latency.getValueAtPercentile(50),
          latency.getValueAtPercentile(99),
          latency.getValueAtPercentile(99.9),
          latency.getMaxValue(),
          ok.get(),
          failed.get(),
          unknown.get());
    }
  }

  /**
   * Entry point; see the class comment.
   *
   * @throws Exception if the cluster cannot be started or does not settle within 30 minutes
   */
  public static void main(String[] args) throws Exception {
    int founders = 3;
    int joiners = 3;
    int keys = 200_000;
    int concurrency = 32;
    double before = 10;
    long rate = -1;
    int moves = -1;
    Path dir = Path.of("bench/target/rebalance-bench");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--founders" -> founders = Integer.parseInt(args[++i]);
        case "--joiners" -> joiners = Integer.parseInt(args[++i]);
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--before" -> before = Double.parseDouble(args[++i]);
        case "--rate" -> rate = Long.parseLong(args[++i]);
        case "--moves" -> moves = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + args[i] + "'; see the RebalanceBench Javadoc");
      }
    }
    List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"));
    String command = "bin/quorumkv bench-rebalance " + String.join(" ", args);
    ClusterBench.Options o =
        ClusterBench.parse(
            new String[] {"--keys", String.valueOf(keys), "--concurrency", "" + concurrency});
    try (NodeProcesses nodes =
            NodeProcesses.start(
                dir,
                "bitcask",
                true,
                jvm,
                founders,
                3,
                (rate < 0 ? "" : "rebalance.max-bytes-per-sec = " + rate + "\n")
                    + (moves < 0 ? "" : "cluster.max-concurrent-moves = " + moves + "\n"));
        QuorumClient client = nodes.client(Duration.ofSeconds(10))) {
      long t0 = System.nanoTime();
      ClusterBench.load(client, o);
      System.out.printf(
          "loaded %,d keys in %.1f s on %d nodes%n",
          keys, (System.nanoTime() - t0) / 1e9, founders);

      Phase warm = new Phase();
      Phase steady = new Phase();
      Phase moving = new Phase();
      AtomicReference<Phase> phase = new AtomicReference<>(warm);
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<?>[] slots = new CompletableFuture<?>[concurrency];
      for (int s = 0; s < concurrency; s++) {
        SplittableRandom rnd = new SplittableRandom(s * 7919L + 1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        slots[s] = done;
        next(client, keys, rnd, phase, stop, done);
      }
      Thread.sleep(3_000); // warm-up, not counted
      steady.startNanos = System.nanoTime();
      phase.set(steady);
      Thread.sleep((long) (before * 1000));
      steady.endNanos = System.nanoTime();

      ClusterMap start = nodes.map(client);
      moving.startNanos = System.nanoTime();
      phase.set(moving);
      nodes.join(joiners);
      ClusterMap m;
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (true) {
        m = nodes.map(client);
        if (m != null && m.nodes().size() == founders + joiners && Balancer.settled(m)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not settled within 30 minutes: " + m);
        }
        Thread.sleep(100);
      }
      moving.endNanos = System.nanoTime();
      stop.set(true);
      CompletableFuture.allOf(slots).join();

      String header =
          "| phase | s | ops/s | p50 µs | p99 µs | p999 µs | max µs | ok | failed | unknown |\n"
              + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
      String report =
          String.format(
              Locale.ROOT,
              "`%s` — %d founders + %d joiners, %,d keys of %d B, %d requests in flight (half"
                  + " gets, half puts, random keys, through any node), rebalance rate %s, %s;"
                  + " settled %.1f s after the join, %d map changes (versions %d -> %d), %d"
                  + " segments, per node at the end: %s%n%n%s%n%s%n%s%n",
              command,
              founders,
              joiners,
              keys,
              ClusterBench.VALUE_BYTES,
              concurrency,
              rate < 0 ? "default (16 MiB/s per node)" : rate + " B/s per node",
              moves < 0 ? "default moves at once (4)" : moves + " move(s) at once",
              moving.seconds(),
              m.version() - (start == null ? 0 : start.version()),
              start == null ? 0 : start.version(),
              m.version(),
              m.segmentCount(),
              m.segmentCounts(),
              header,
              steady.row("before the join"),
              moving.row("join to settled"));
      System.out.println();
      System.out.println(report);
      if (out != null) {
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println("written to " + out);
      }
    }
  }

  private static void next(
      QuorumClient client,
      int keys,
      SplittableRandom rnd,
      AtomicReference<Phase> phase,
      AtomicBoolean stop,
      CompletableFuture<Void> done) {
    if (stop.get()) {
      done.complete(null);
      return;
    }
    boolean write = rnd.nextBoolean();
    long t = System.nanoTime();
    CompletableFuture<? extends Outcome> f =
        write
            ? client.put(ClusterBench.key(rnd.nextInt(keys)), ClusterBench.value(rnd))
            : client.get(ClusterBench.key(rnd.nextInt(keys)));
    f.whenComplete(
        (r, e) -> {
          Phase p = phase.get();
          long micros = Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - t) / 1_000);
          if (e != null) {
            p.failed.incrementAndGet();
          } else if (r instanceof CasResult.Unknown) {
            p.unknown.incrementAndGet();
          } else if (r instanceof Outcome.Failed) {
            p.failed.incrementAndGet();
          } else {
            p.ok.incrementAndGet();
            p.latency.recordValue(micros);
          }
          next(client, keys, rnd, phase, stop, done);
        });
  }
}
