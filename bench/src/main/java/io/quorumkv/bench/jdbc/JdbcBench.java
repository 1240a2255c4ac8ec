package io.quorumkv.bench.jdbc;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.SqlSession;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.server.QuorumKvServer;
import io.quorumkv.server.ServerConfig;
import io.quorumkv.server.sql.SqlServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * JDBC versus native: N concurrent clients (default 64), each with one request in flight, doing
 * point reads ({@value #SELECT}) and read-then-CAS ({@value #CAS} after a read), through
 *
 * <ul>
 *   <li>{@code cluster}: an in-JVM 3-node cluster ({@link QuorumKvServer}, real loopback sockets on
 *       127.0.0.2-4, durable engine): the native {@link QuorumClient} ({@code native}), the SQL
 *       engine of each node in-process ({@code sql-inproc}), and the JDBC driver against each
 *       node's own SQL endpoint ({@code sql.port}, as deployed: a {@link SqlServer} on the
 *       replica's event loop) ({@code jdbc}; the URL lists the three, connections spread over
 *       them). The ratio is jdbc/native here.
 *   <li>{@code local}: one {@link SqlEngine} over the in-process {@code LocalKeyValueStore}: the
 *       same engine in-process ({@code sql-inproc}) and through a {@link SqlServer} ({@code jdbc}),
 *       which isolates the SQL endpoint's own cost (driver, wire, server).
 * </ul>
 *
 * Each measurement: warm-up, then a timed window; rounds interleave the paths (A/B/A/B) and the
 * table shows the median ops/s and latency percentiles of the median round.
 *
 * <pre>
 * JdbcBench [--modes cluster,local] [--paths native,sql-inproc,jdbc] [--workloads read,cas]
 *           [--connections 64] [--keys 1000] [--seconds 5] [--warmup 2] [--rounds 3]
 *           [--engine bitcask] [--dir DIR] [--out FILE]
 * </pre>
 */
public final class JdbcBench {

  static final String SELECT = "SELECT v FROM t WHERE k = ?";
  static final String CAS = "UPDATE t SET v = ? WHERE k = ? IF v = ?";
  private static final String TABLE = "CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)";
  private static final String LOAD = "UPSERT INTO t (k, v) VALUES (?, ?)";

  private JdbcBench() {}

  /** Parsed command line. */
  record Options(
      List<String> modes,
      List<String> paths,
      List<String> workloads,
      int connections,
      int keys,
      double seconds,
      double warmup,
      int rounds,
      String engine,
      Path dir,
      Path out) {}

  /** One measured window. */
  record Run(
      double opsPerSec,
      Histogram latency,
      long ops,
      long applied,
      long errors,
      double cpuMicrosPerOp) {}

  /**
   * Entry point; see the class comment for the arguments.
   *
   * @throws Exception if a setup step fails
   */
  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    PrintStream out = System.out;
    out.printf(
        "jdbc bench: %d connections, %d keys, %.0f s windows after %.0f s warm-up, %d rounds,"
            + " modes %s, paths %s, workloads %s, %d cpus%n",
        o.connections,
        o.keys,
        o.seconds,
        o.warmup,
        o.rounds,
        o.modes,
        o.paths,
        o.workloads,
        Runtime.getRuntime().availableProcessors());
    StringBuilder report = new StringBuilder();
    report
        .append("date ")
        .append(LocalDate.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cpus, java ")
        .append(System.getProperty("java.version"))
        .append(", ")
        .append(o.connections)
        .append(" connections, ")
        .append(o.keys)
        .append(" keys, ")
        .append(o.rounds)
        .append(" rounds of ")
        .append(o.seconds)
        .append(" s\n\n");
    for (String mode : o.modes) {
      Map<String, Map<String, List<Run>>> results =
          switch (mode) {
            case "cluster" -> cluster(o);
            case "local" -> local(o);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
          };
      report.append(table(mode, o, results)).append('\n');
    }
    out.println();
    out.print(report);
    if (o.out != null) {
      Files.writeString(o.out, report);
    }
    System.exit(0);
  }

  // Scenarios.

  private static Map<String, Map<String, List<Run>>> local(Options o) throws Exception {
    CountingStore store = new CountingStore(new LocalKeyValueStore());
    SqlEngine engine = new SqlEngine(store);
    load(engine.openSession(), o.keys);
    try (SqlServer server = SqlServer.start(0, engine)) {
      String url = "jdbc:quorumkv://127.0.0.1:" + server.address().getPort();
      Map<String, Supplier<BenchClient>> paths = new LinkedHashMap<>();
      paths.put("sql-inproc", () -> new SessionClient(engine));
      paths.put("jdbc", () -> jdbc(url));
      storeCostPerStatement(engine, store);
      return measure(o, paths);
    }
  }

  /** Prints how many store operations one statement of each kind makes (in-process). */
  private static void storeCostPerStatement(SqlEngine engine, CountingStore store)
      throws Exception {
    try (SessionClient c = new SessionClient(engine)) {
      c.read(1);
      store.reset();
      c.read(1);
      long readGets = store.gets.sum();
      store.reset();
      c.readThenCas(1);
      System.out.printf(
          "store operations per statement: point read %d gets; read+UPDATE IF %d gets, %d updates,"
              + " %d scans%n",
          readGets, store.gets.sum(), store.updates.sum(), store.scans.sum());
    }
  }

  private static Map<String, Map<String, List<Run>>> cluster(Options o) throws Exception {
    Path dir = o.dir != null ? o.dir : Files.createTempDirectory("qkv-jdbc-bench");
    QuorumKvServer[] nodes = new QuorumKvServer[4];
    SqlEngine[] engines = new SqlEngine[4];
    try {
      int[] peerPorts = new int[4];
      int[] clientPorts = new int[4];
      StringBuilder peers = new StringBuilder();
      for (int i = 1; i <= 3; i++) {
        peerPorts[i] = freePort(host(i));
        clientPorts[i] = freePort(host(i));
        peers.append(i > 1 ? ", " : "").append(i).append('=').append(host(i)).append(':');
        peers.append(peerPorts[i]);
      }
      for (int i = 1; i <= 3; i++) {
        ServerConfig config =
            ServerConfig.parse(
                "bench-node" + i,
                String.join(
                    "\n",
                    "node.id = " + i,
                    "listen.address = " + host(i),
                    "http.port = 0", // any free port: fixed ports collide across concurrent builds
                    "peer.port = " + peerPorts[i],
                    "client.port = " + clientPorts[i],
                    "sql.port = 0",
                    "peers = " + peers,
                    "data.dir = " + dir.resolve("node" + i),
                    "engine.kind = " + o.engine));
        nodes[i] = QuorumKvServer.start(config);
      }
      awaitConnected(nodes);
      StringBuilder url = new StringBuilder("jdbc:quorumkv://");
      for (int i = 1; i <= 3; i++) {
        engines[i] = new SqlEngine(nodes[i].store());
        // The node's own SQL endpoint, as deployed (on the replica's event loop).
        url.append(i > 1 ? "," : "").append(host(i)).append(':');
        url.append(nodes[i].sqlAddress().getPort());
      }
      load(engines[1].openSession(), o.keys);
      QuorumClient.Builder b = QuorumClient.builder().timeout(Duration.ofSeconds(10));
      for (int i = 1; i <= 3; i++) {
        b.node(i, new InetSocketAddress(host(i), clientPorts[i]));
      }
      try (QuorumClient client = b.build()) {
        for (long k = 0; k < o.keys; k++) {
          CasResult r = client.put(NativeClient.key(k), NativeClient.value(k)).join();
          if (!(r instanceof CasResult.Applied)) {
            throw new IllegalStateException("loading key " + k + ": " + r);
          }
        }
        Map<String, Supplier<BenchClient>> paths = new LinkedHashMap<>();
        paths.put("native", () -> new NativeClient(client));
        int[] next = {0};
        paths.put(
            "sql-inproc",
            () -> {
              synchronized (next) {
                return new SessionClient(engines[1 + next[0]++ % 3]);
              }
            });
        String jdbcUrl = url.toString();
        paths.put("jdbc", () -> jdbc(jdbcUrl));
        return measure(o, paths);
      }
    } finally {
      for (int i = 1; i <= 3; i++) {
        if (nodes[i] != null) {
          nodes[i].close();
        }
      }
      if (o.dir == null) {
        deleteRecursively(dir);
      }
    }
  }

  private static String host(int node) {
    return "127.0.0." + (node + 1);
  }

  private static void awaitConnected(QuorumKvServer[] nodes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 1; i <= 3; i++) {
      for (int j = 1; j <= 3; j++) {
        while (i != j && !nodes[i].node().connectedTo(j)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("peers did not connect within 60 s");
          }
          Thread.sleep(10);
        }
      }
    }
  }

  private static BenchClient jdbc(String url) {
    try {
      return new JdbcClient(url);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot connect to " + url + ": " + e.getMessage(), e);
    }
  }

  private static void load(SqlSession session, int keys) {
    session.execute(TABLE);
    var upsert = session.prepare(LOAD);
    for (long k = 0; k < keys; k++) {
      upsert.execute(k, k);
    }
  }

  // Measurement.

  private static Map<String, Map<String, List<Run>>> measure(
      Options o, Map<String, Supplier<BenchClient>> paths) throws Exception {
    Map<String, Map<String, List<Run>>> results = new LinkedHashMap<>();
    for (String path : paths.keySet()) {
      if (o.paths.contains(path)) {
        results.put(path, new LinkedHashMap<>());
      }
    }
    for (int round = 1; round <= o.rounds; round++) {
      for (String path : results.keySet()) {
        List<BenchClient> clients = new ArrayList<>();
        for (int i = 0; i < o.connections; i++) {
          clients.add(paths.get(path).get());
        }
        try {
          for (String workload : o.workloads) {
            Run r = window(o, clients, workload.equals("cas"));
            results.get(path).computeIfAbsent(workload, w -> new ArrayList<>()).add(r);
            System.out.printf(
                "round %d %-10s %-4s %,10.0f ops/s  cpu %,6.1f us/op  p50 %,7d us  p99 %,7d us"
                    + "  p999 %,7d us  (applied %d, errors %d)%n",
                round,
                path,
                workload,
                r.opsPerSec,
                r.cpuMicrosPerOp,
                r.latency.getValueAtPercentile(50),
                r.latency.getValueAtPercentile(99),
                r.latency.getValueAtPercentile(99.9),
                r.applied,
                r.errors);
          }
        } finally {
          for (BenchClient c : clients) {
            c.close();
          }
        }
      }
    }
    return results;
  }

  /** Runs every client in its own thread for warm-up plus the window; measures the window. */
  private static Run window(Options o, List<BenchClient> clients, boolean cas)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + (long) (o.warmup * 1e9);
    long end = measureFrom + (long) (o.seconds * 1e9);
    List<Histogram> histograms = new ArrayList<>();
    long[][] counts = new long[clients.size()][3];
    CountDownLatch done = new CountDownLatch(clients.size());
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      BenchClient c = clients.get(i);
      Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      histograms.add(h);
      long[] count = counts[i];
      SplittableRandom random = new SplittableRandom(i * 7919L + start);
      Thread t =
          new Thread(
              () -> {
                try {
                  for (long now = System.nanoTime(); now < end; ) {
                    long k = random.nextInt(o.keys);
                    long t0 = now;
                    boolean applied = true;
                    boolean failed = false;
                    try {
                      if (cas) {
                        applied = c.readThenCas(k);
                      } else {
                        c.read(k);
                      }
                    } catch (Exception e) {
                      failed = true;
                      firstError.compareAndSet(null, e);
                    }
                    now = System.nanoTime();
                    if (t0 >= measureFrom && now <= end) {
                      h.recordValue(Math.max(1, (now - t0) / 1000));
                      count[0]++;
                      count[1] += applied ? 1 : 0;
                      count[2] += failed ? 1 : 0;
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              "bench-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    // Process CPU over the measured window (all threads: clients, server, store), per operation:
    // unlike ops/s, it hardly depends on how much of the shared machine the process gets.
    long waitMillis = (measureFrom - System.nanoTime()) / 1_000_000;
    if (waitMillis > 0) {
      Thread.sleep(waitMillis);
    }
    long cpu0 = processCpuNanos();
    long wall0 = System.nanoTime();
    done.await();
    long cpuNanos = processCpuNanos() - cpu0;
    double wallShare = (double) (end - measureFrom) / Math.max(1, System.nanoTime() - wall0);
    Histogram all = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    histograms.forEach(all::add);
    long ops = 0;
    long applied = 0;
    long errors = 0;
    for (long[] c : counts) {
      ops += c[0];
      applied += c[1];
      errors += c[2];
    }
    if (firstError.get() != null) {
      System.out.println("first error: " + firstError.get());
    }
    return new Run(ops / o.seconds, all, ops, applied, errors, cpuNanos * wallShare / 1000.0 / ops);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String table(String mode, Options o, Map<String, Map<String, List<Run>>> r) {
    StringBuilder t = new StringBuilder();
    t.append("mode ").append(mode).append(mode.equals("cluster") ? " (engine " + o.engine : "");
    t.append(mode.equals("cluster") ? ")" : "").append('\n').append('\n');
    t.append(
        "| path | workload | ops/s (median) | cpu us/op | p50 us | p99 us | p999 us | rounds ops/s |\n");
    t.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    Map<String, Double> medians = new LinkedHashMap<>();
    r.forEach(
        (path, byWorkload) ->
            byWorkload.forEach(
                (workload, runs) -> {
                  List<Run> sorted =
                      runs.stream().sorted(Comparator.comparingDouble(Run::opsPerSec)).toList();
                  Run m = sorted.get(sorted.size() / 2);
                  medians.put(path + "/" + workload, m.opsPerSec);
                  t.append(
                      String.format(
                          "| %s | %s | %,.0f | %,.1f | %,d | %,d | %,d | %s |%n",
                          path,
                          workload,
                          m.opsPerSec,
                          m.cpuMicrosPerOp,
                          m.latency.getValueAtPercentile(50),
                          m.latency.getValueAtPercentile(99),
                          m.latency.getValueAtPercentile(99.9),
                          runs.stream().map(x -> String.format("%,.0f", x.opsPerSec)).toList()));
                }));
    String base = mode.equals("cluster") ? "native" : "sql-inproc";
    for (String w : o.workloads) {
      Double jdbc = medians.get("jdbc/" + w);
      Double ref = medians.get(base + "/" + w);
      if (jdbc != null && ref != null) {
        t.append(String.format("%njdbc/%s %s: %.0f%%", base, w, 100 * jdbc / ref));
      }
    }
    return t.append('\n').toString();
  }

  // Command line.

  static Options parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: JdbcBench [--modes cluster,local] [--paths native,sql-inproc,jdbc]"
                + " [--workloads read,cas] [--connections 64] [--keys 1000] [--seconds 5]"
                + " [--warmup 2] [--rounds 3] [--engine bitcask] [--dir DIR] [--out FILE]");
      }
      a.put(name.substring(2), args[++i]);
    }
    Options o =
        new Options(
            List.of(a.getOrDefault("modes", "cluster,local").split(",")),
            List.of(a.getOrDefault("paths", "native,sql-inproc,jdbc").split(",")),
            List.of(a.getOrDefault("workloads", "read,cas").split(",")),
            Integer.parseInt(a.getOrDefault("connections", "64")),
            Integer.parseInt(a.getOrDefault("keys", "1000")),
            Double.parseDouble(a.getOrDefault("seconds", "5")),
            Double.parseDouble(a.getOrDefault("warmup", "2")),
            Integer.parseInt(a.getOrDefault("rounds", "3")),
            a.getOrDefault("engine", "bitcask"),
            a.containsKey("dir") ? Path.of(a.get("dir")) : null,
            a.containsKey("out") ? Path.of(a.get("out")) : null);
    List<String> known =
        List.of(
            "modes",
            "paths",
            "workloads",
            "connections",
            "keys",
            "seconds",
            "warmup",
            "rounds",
            "engine",
            "dir",
            "out");
    for (String name : a.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return o;
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
