package io.quorumkv.bench.cluster;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The replication benchmark. For each engine and each merging setting it starts a 3-node cluster of
 * separate JVMs on 127.0.0.2/.3/.4 ({@link NodeProcesses}), loads the keys, then runs each workload
 * from this JVM (the load generator) through one {@link QuorumClient} with a fixed number of
 * requests in flight: every workload once unmeasured (a warm-up of the warm-up's length, so the JIT
 * has compiled every path before the first window), then per workload a warm-up and a measured
 * window. Per workload it reports ops/s, latency percentiles (HdrHistogram, µs), the nodes' peer
 * messages, frames, flushes and bytes sent per operation (their counters, read through the client's
 * stats request at the window's edges), state fsyncs per operation, and CPU seconds per 1,000
 * operations of the three node JVMs together ({@code /proc/PID/stat} utime + stime).
 *
 * <p>Workloads (values of {@value #VALUE_BYTES} bytes, keys {@code key-NNNNNNNN}):
 *
 * <ul>
 *   <li>{@code cas}: read a key, then compare-and-set it from the value read to a new one;
 *       uncontended (each in-flight slot owns its own keys); one op = read + CAS, latency of both.
 *   <li>{@code cas-hot}: the same on 10 keys shared by all slots (contended; "not applied" is a
 *       definite answer and counts as an op).
 *   <li>{@code put}: blind overwrite of a random key.
 *   <li>{@code get}: linearizable read of a random key.
 * </ul>
 *
 * <pre>
 * ClusterBench [--engines bitcask,lsm] [--merging on,off] [--workloads cas,cas-hot,put,get]
 *              [--keys 100000] [--concurrency 64] [--seconds 10] [--warmup 3]
 *              [--nodes 3,6,9] [--rf 3] [--routing any,map]
 *              [--quick] [--dir DIR] [--out FILE] [--node-jvm-opts "-Xmx1g ..."]
 * </pre>
 *
 * <p>{@code --nodes} runs the whole benchmark once per cluster size (zones round-robin over three);
 * {@code --rf} is the replicas per segment ({@code cluster.replication.factor}; a value of at least
 * the node count makes every node replicate every key, as before segments). Each run starts
 * measuring once the balancer has placed every segment. {@code --routing any} (default) sends each
 * key to one node chosen among all (a node that does not replicate it forwards it one hop), {@code
 * map} to a replica of its segment by the cluster map: the difference is the proxy's cost.
 */
public final class ClusterBench {
  static final int VALUE_BYTES = 100;
  static final int HOT_KEYS = 10;
  private static final int LOAD_IN_FLIGHT = 256;
  private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);

  private ClusterBench() {}

  /** Parsed command line. */
  record Options(
      List<String> engines,
      List<Boolean> merging,
      List<String> workloads,
      int keys,
      int concurrency,
      double seconds,
      double warmup,
      Path dir,
      Path out,
      List<String> nodeJvmOptions,
      String command,
      List<Integer> nodes,
      int replicationFactor,
      List<Boolean> routeByMap) {
    Options withTimes(double seconds, double warmup) {
      return new Options(
          engines,
          merging,
          workloads,
          keys,
          concurrency,
          seconds,
          warmup,
          dir,
          out,
          nodeJvmOptions,
          command,
          nodes,
          replicationFactor,
          routeByMap);
    }
  }

  /** The numbers of one measured window. */
  record Result(
      String engine,
      boolean merging,
      String workload,
      long ops,
      double seconds,
      Histogram latency,
      long errors,
      long notApplied,
      Map<String, Long> delta,
      double clusterCpu,
      double loaderCpu,
      double nodeShare) {
    double opsPerSec() {
      return ops / seconds;
    }

    double perOp(String counter) {
      return ops == 0 ? Double.NaN : delta.getOrDefault(counter, 0L) / (double) ops;
    }
  }

  /**
   * Entry point; see the class comment for the arguments.
   *
   * @throws Exception if the cluster cannot be started or a node fails
   */
  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    PrintStream out = System.out;
    out.printf(
        "cluster benchmark: %s nodes (rf %d), engines %s, merging %s, %d keys, %d in flight, %.0f s"
            + " (+%.0f s warm-up) per workload %s%n",
        o.nodes,
        o.replicationFactor,
        o.engines,
        o.merging,
        o.keys,
        o.concurrency,
        o.seconds,
        o.warmup,
        o.workloads);
    List<Result> results = new ArrayList<>();
    for (int size : o.nodes) {
      for (String kind : o.engines) {
        for (boolean merging : o.merging) {
          String engine = kind + ", " + size + " nodes, rf " + Math.min(o.replicationFactor, size);
          Path dir = o.dir.resolve(kind + "-" + size + "-" + (merging ? "merging" : "no-merging"));
          runCluster(o, out, results, size, kind, engine, merging, dir);
        }
      }
    }
    String table = table(o, results);
    out.println();
    out.println(table);
    if (o.out != null) {
      Path parent = o.out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(o.out, table, StandardCharsets.UTF_8);
      out.println("written to " + o.out);
    }
  }

  private static void runCluster(
      Options o,
      PrintStream out,
      List<Result> results,
      int size,
      String kind,
      String engine,
      boolean merging,
      Path dir)
      throws Exception {
    try (NodeProcesses nodes =
        NodeProcesses.start(dir, kind, merging, o.nodeJvmOptions, size, o.replicationFactor)) {
      boolean loaded = false;
      for (boolean byMap : o.routeByMap) {
        String label =
            engine + (o.routeByMap.size() > 1 ? (byMap ? ", by map" : ", any node") : "");
        try (QuorumClient client = nodes.client(Duration.ofSeconds(5), byMap)) {
          if (!loaded) {
            long t0 = System.nanoTime();
            load(client, o);
            out.printf(
                "%s merging=%s: loaded %d keys in %.1f s%n",
                engine, merging, o.keys, (System.nanoTime() - t0) / 1e9);
            loaded = true;
          }
          // Every workload runs once unmeasured first: otherwise the first workload measured pays
          // for the JIT compiling its paths (and the load's leftovers) in its window. A quick run
          // measured read+CAS, always first, at about twice its steady CPU per pair that way.
          Options warm = o.withTimes(o.warmup, 0);
          for (String w : o.workloads) {
            run(nodes, client, warm, label, merging, w);
          }
          for (String w : o.workloads) {
            Result r = run(nodes, client, o, label, merging, w);
            results.add(r);
            out.println(line(r));
          }
        }
      }
    }
  }

  static Options parse(String[] args) {
    List<String> engines = List.of("bitcask", "lsm");
    List<Boolean> merging = List.of(true, false);
    List<String> workloads = List.of("cas", "cas-hot", "put", "get");
    int keys = 100_000;
    int concurrency = 64;
    double seconds = 10;
    double warmup = 3;
    Path dir = Path.of("bench/target/cluster-bench");
    Path out = null;
    List<String> jvm = List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC");
    List<Integer> nodes = List.of(3);
    int rf = 3;
    List<Boolean> routing = List.of(false);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--engines" -> engines = List.of(args[++i].split(","));
        case "--merging" -> {
          List<Boolean> m = new ArrayList<>();
          for (String s : args[++i].split(",")) {
            m.add(
                switch (s) {
                  case "on" -> true;
                  case "off" -> false;
                  default -> throw new IllegalArgumentException("--merging takes on,off");
                });
          }
          merging = List.copyOf(m);
        }
        case "--workloads" -> workloads = List.of(args[++i].split(","));
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--node-jvm-opts" -> jvm = List.of(args[++i].trim().split("\\s+"));
        case "--nodes" -> {
          List<Integer> n = new ArrayList<>();
          for (String v : args[++i].split(",")) {
            n.add(Integer.parseInt(v.trim()));
          }
          nodes = List.copyOf(n);
        }
        case "--rf" -> rf = Integer.parseInt(args[++i]);
        case "--routing" -> {
          List<Boolean> r = new ArrayList<>();
          for (String v : args[++i].split(",")) {
            r.add(
                switch (v) {
                  case "map" -> true;
                  case "any" -> false;
                  default -> throw new IllegalArgumentException("--routing takes any,map");
                });
          }
          routing = List.copyOf(r);
        }
        case "--quick" -> {
          keys = 10_000;
          seconds = 3;
          warmup = 1;
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + args[i] + "'; see the ClusterBench Javadoc");
      }
    }
    for (String w : workloads) {
      if (!List.of("cas", "cas-hot", "put", "get").contains(w)) {
        throw new IllegalArgumentException("unknown workload " + w);
      }
    }
    if (keys < concurrency) {
      throw new IllegalArgumentException("need at least as many keys as requests in flight");
    }
    return new Options(
        engines,
        merging,
        workloads,
        keys,
        concurrency,
        seconds,
        warmup,
        dir,
        out,
        jvm,
        "bin/quorumkv bench-cluster " + String.join(" ", args),
        nodes,
        rf,
        routing);
  }

  static Bytes key(int i) {
    return Bytes.utf8(String.format("key-%08d", i));
  }

  static Bytes hotKey(int i) {
    return Bytes.utf8("hot-" + i);
  }

  static Bytes value(SplittableRandom rnd) {
    byte[] v = new byte[VALUE_BYTES];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) ('a' + rnd.nextInt(26));
    }
    return Bytes.wrap(v);
  }

  /** Writes every key (and the hot keys) once, with at least 256 puts in flight. */
  static void load(QuorumClient client, Options o) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    int total = o.keys + HOT_KEYS;
    // First writes take a prepare round each: load with more in flight than the workloads use.
    int inFlight = Math.max(o.concurrency, LOAD_IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int s = 0; s < inFlight; s++) {
      SplittableRandom rnd = new SplittableRandom(s);
      loadNext(client, next, total, o.keys, rnd, failures, done);
    }
    done.await();
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " loading puts failed");
    }
  }

  private static void loadNext(
      QuorumClient client,
      AtomicLong next,
      int total,
      int keys,
      SplittableRandom rnd,
      AtomicLong failures,
      CountDownLatch done) {
    long i = next.getAndIncrement();
    if (i >= total) {
      done.countDown();
      return;
    }
    Bytes k = i < keys ? key((int) i) : hotKey((int) (i - keys));
    loadKey(client, k, 0, next, total, keys, rnd, failures, done);
  }

  /** Puts {@code k}, retrying (a new put) up to 5 times if the outcome was not definite. */
  private static void loadKey(
      QuorumClient client,
      Bytes k,
      int attempt,
      AtomicLong next,
      int total,
      int keys,
      SplittableRandom rnd,
      AtomicLong failures,
      CountDownLatch done) {
    client
        .put(k, value(rnd))
        .whenComplete(
            (r, t) -> {
              if (t != null || !(r instanceof CasResult.Applied)) {
                if (attempt < 5) {
                  loadKey(client, k, attempt + 1, next, total, keys, rnd, failures, done);
                  return;
                }
                failures.incrementAndGet();
              }
              loadNext(client, next, total, keys, rnd, failures, done);
            });
  }

  /** One in-flight slot's operation generator. */
  private interface Workload {
    /** Starts one operation; completes with whether it was applied (writes) or read. */
    CompletableFuture<Outcome> start(int slot, SplittableRandom rnd);
  }

  private static Workload workload(String name, QuorumClient client, Options o) {
    return switch (name) {
      case "get" -> (slot, rnd) -> client.get(key(rnd.nextInt(o.keys))).thenApply(r -> r);
      case "put" ->
          (slot, rnd) -> client.put(key(rnd.nextInt(o.keys)), value(rnd)).thenApply(r -> r);
      case "cas" -> {
        int perSlot = o.keys / o.concurrency;
        // Slot s owns keys s, s + C, s + 2C, ...: no two operations in flight share a key.
        yield (slot, rnd) ->
            readThenCas(client, key(slot + o.concurrency * rnd.nextInt(perSlot)), rnd);
      }
      case "cas-hot" -> (slot, rnd) -> readThenCas(client, hotKey(rnd.nextInt(HOT_KEYS)), rnd);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static CompletableFuture<Outcome> readThenCas(
      QuorumClient client, Bytes key, SplittableRandom rnd) {
    Bytes next = value(rnd);
    return client.get(key).thenCompose(r -> client.cas(key, r.value(), next).thenApply(c -> c));
  }

  private static Result run(
      NodeProcesses nodes,
      QuorumClient client,
      Options o,
      String engine,
      boolean merging,
      String name)
      throws Exception {
    Workload w = workload(name, client, o);
    long start = System.nanoTime();
    long measureFrom = start + (long) (o.warmup * 1e9);
    long measureTo = measureFrom + (long) (o.seconds * 1e9);
    Histogram latency = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong notApplied = new AtomicLong();
    CountDownLatch done = new CountDownLatch(o.concurrency);
    Slots slots =
        new Slots(w, measureFrom, measureTo, latency, ops, errors, notApplied, done, name);
    for (int s = 0; s < o.concurrency; s++) {
      slots.issue(s, new SplittableRandom(name.hashCode() * 1000L + s));
    }
    sleepUntil(measureFrom);
    List<Map<String, Long>> before = nodes.stats(client);
    double cpuBefore = nodes.cpuSeconds();
    double loaderBefore = NodeProcesses.cpuSeconds(ProcessHandle.current().pid());
    long t0 = System.nanoTime();
    sleepUntil(measureTo);
    List<Map<String, Long>> after = nodes.stats(client);
    double cpuAfter = nodes.cpuSeconds();
    double loaderAfter = NodeProcesses.cpuSeconds(ProcessHandle.current().pid());
    double secs = (System.nanoTime() - t0) / 1e9;
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": requests still in flight 30 s after the end");
    }
    // Requests each node coordinated (its clients' and those forwarded to it): the most loaded
    // node's share against the mean says whether the segments spread the work evenly.
    long maxRequests = 0;
    long sumRequests = 0;
    for (int i = 0; i < after.size(); i++) {
      long n =
          after.get(i).getOrDefault("requests", 0L) - before.get(i).getOrDefault("requests", 0L);
      maxRequests = Math.max(maxRequests, n);
      sumRequests += n;
    }
    double nodeShare =
        sumRequests == 0 ? Double.NaN : maxRequests / (sumRequests / (double) after.size());
    Map<String, Long> delta = new java.util.TreeMap<>();
    for (int i = 0; i < after.size(); i++) {
      for (Map.Entry<String, Long> e : after.get(i).entrySet()) {
        long b = before.get(i).getOrDefault(e.getKey(), 0L);
        delta.merge(e.getKey(), e.getValue() - b, Long::sum);
      }
    }
    return new Result(
        engine,
        merging,
        name,
        ops.get(),
        secs,
        latency,
        errors.get(),
        notApplied.get(),
        delta,
        cpuAfter - cpuBefore,
        loaderAfter - loaderBefore,
        nodeShare);
  }

  /** Drives the in-flight slots: each completion starts the slot's next operation. */
  private record Slots(
      Workload w,
      long measureFrom,
      long measureTo,
      Histogram latency,
      AtomicLong ops,
      AtomicLong errors,
      AtomicLong notApplied,
      CountDownLatch done,
      String name) {
    void issue(int slot, SplittableRandom rnd) {
      long t = System.nanoTime();
      if (t >= measureTo) {
        done.countDown();
        return;
      }
      CompletableFuture<Outcome> f;
      try {
        f = w.start(slot, rnd);
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        done.countDown();
        return;
      }
      f.whenComplete(
          (r, err) -> {
            long end = System.nanoTime();
            if (t >= measureFrom && end <= measureTo) {
              boolean ok =
                  err == null
                      && !(r instanceof CasResult.Unknown)
                      && !(r instanceof Outcome.Failed);
              if (ok) {
                ops.incrementAndGet();
                latency.recordValue(Math.min(MAX_LATENCY_MICROS, (end - t) / 1000));
                if (r instanceof CasResult.NotApplied) {
                  notApplied.incrementAndGet();
                }
              } else {
                errors.incrementAndGet();
              }
            }
            issue(slot, rnd);
          });
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long d;
    while ((d = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(d);
    }
  }

  private static String line(Result r) {
    return String.format(
        "%s merging=%s %s: %,.0f ops/s p50=%d p99=%d p999=%d µs msgs/op=%.2f frames/op=%.2f"
            + " flushes/op=%.2f bytes/op=%.0f fsyncs/op=%.3f cpu-s/1k-ops=%.3f (loader %.3f)"
            + " not-applied=%d errors=%d node-share=%.2f",
        r.engine,
        r.merging,
        r.workload,
        r.opsPerSec(),
        r.latency.getValueAtPercentile(50),
        r.latency.getValueAtPercentile(99),
        r.latency.getValueAtPercentile(99.9),
        r.perOp("peer.messages.sent"),
        r.perOp("peer.frames.sent"),
        r.perOp("peer.flushes"),
        r.perOp("peer.bytes.sent"),
        r.perOp("commit.syncs"),
        r.ops == 0 ? Double.NaN : r.clusterCpu * 1000 / r.ops,
        r.ops == 0 ? Double.NaN : r.loaderCpu * 1000 / r.ops,
        r.notApplied,
        r.errors,
        r.nodeShare);
  }

  static String table(Options o, List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "`%s` — %s, %d cores, node JVMs + 1 load-generator JVM on one machine; %d keys,"
                + " %d-byte values, %d requests in flight, %.0f s measured after %.0f s warm-up, every workload"
                + " having run unmeasured once before;"
                + " durable (fsync) state writes; node JVM options `%s`.%n%n",
            o.command.trim(),
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            o.keys,
            VALUE_BYTES,
            o.concurrency,
            o.seconds,
            o.warmup,
            String.join(" ", o.nodeJvmOptions)));
    sb.append(
        "| engine | merging | workload | ops/s | p50 µs | p99 µs | p999 µs | peer msgs/op |"
            + " frames/op | flushes/op | bytes/op | fsyncs/op | cluster CPU s/1k ops |"
            + " not applied | errors | node share max/mean |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      sb.append(
          String.format(
              "| %s | %s | %s | %,.0f | %d | %d | %d | %.2f | %.2f | %.2f | %.0f | %.3f | %.3f |"
                  + " %d | %d | %.2f |%n",
              r.engine,
              r.merging ? "on" : "off",
              r.workload,
              r.opsPerSec(),
              r.latency.getValueAtPercentile(50),
              r.latency.getValueAtPercentile(99),
              r.latency.getValueAtPercentile(99.9),
              r.perOp("peer.messages.sent"),
              r.perOp("peer.frames.sent"),
              r.perOp("peer.flushes"),
              r.perOp("peer.bytes.sent"),
              r.perOp("commit.syncs"),
              r.ops == 0 ? Double.NaN : r.clusterCpu * 1000 / r.ops,
              r.notApplied,
              r.errors,
              r.nodeShare));
    }
    return sb.toString();
  }
}
