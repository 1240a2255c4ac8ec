package io.quorumkv.bench.peers;

import io.quorumkv.bench.peers.load.LoadGenerator;
import io.quorumkv.bench.peers.load.LoadOptions;
import io.quorumkv.bench.peers.load.MeasureListener;
import io.quorumkv.bench.peers.load.RunResult;
import io.quorumkv.bench.peers.load.Target;
import io.quorumkv.bench.peers.load.Targets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QuorumKV against etcd and PostgreSQL on this machine, one system at a time, with one load
 * generator ({@link LoadGenerator}); see {@link Plan} for the matrix. Started by {@code
 * bench-peers/run-peers.sh}, which installs the peers and builds first.
 *
 * <pre>
 * PeerBench [--quick] [--out DIR] [--systems etcd,postgres,postgres-sync,quorumkv-jdbc,
 *           quorumkv-native,quorumkv-native-nomerge] [--keys N] [--reps N] [--warmup S]
 *           [--measure S] [--work DIR] [--etcd PATH] [--pg-bin DIR] [--command TEXT]
 * </pre>
 *
 * <p>Every process it starts is stopped by its PID when the system's runs end, when a system fails,
 * and from a shutdown hook (Ctrl-C); data directories are deleted, server logs kept in the work
 * directory. Results go to {@code DIR/results.md}, {@code results.csv} and two SVG plots.
 */
public final class PeerBench {
  private static final Logger LOG = LoggerFactory.getLogger(PeerBench.class);

  /**
   * Writers used to fill each system: many, so QuorumKV's first write of a key (a full Paxos round
   * each) and PostgreSQL's and etcd's commits overlap; the same for every system.
   */
  static final int LOAD_WRITERS = 256;

  private final Options options;
  private final Plan plan;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<String> timings = new ArrayList<>();
  private final AtomicReference<PeerSystem> running = new AtomicReference<>();

  /** The command line. */
  record Options(
      boolean quick,
      Path out,
      Path work,
      List<String> systems,
      Long keys,
      Integer reps,
      Double warmup,
      Double measure,
      String etcd,
      Path pgBin,
      String command) {

    static Options parse(String[] args) {
      boolean quick = false;
      Path out = Path.of("bench-peers/target/peers-results");
      Path work = Path.of("bench-peers/target/peers-work");
      List<String> systems = Plan.SYSTEMS;
      Long keys = null;
      Integer reps = null;
      Double warmup = null;
      Double measure = null;
      String etcd = "etcd";
      Path pgBin = PostgresServer.DEBIAN_BIN;
      String command = "bench-peers/run-peers.sh " + String.join(" ", args);
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--quick")) {
          quick = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--out" -> out = Path.of(v);
          case "--work" -> work = Path.of(v);
          case "--systems" -> systems = List.of(v.split(","));
          case "--keys" -> keys = Long.parseLong(v);
          case "--reps" -> reps = Integer.parseInt(v);
          case "--warmup" -> warmup = Double.parseDouble(v);
          case "--measure" -> measure = Double.parseDouble(v);
          case "--etcd" -> etcd = v;
          case "--pg-bin" -> pgBin = Path.of(v);
          case "--command" -> command = v;
          default ->
              throw new IllegalArgumentException(
                  "unknown argument '" + a + "'; see the PeerBench Javadoc");
        }
      }
      return new Options(
          quick, out, work, systems, keys, reps, warmup, measure, etcd, pgBin, command.trim());
    }

    Plan plan() {
      Plan p = Plan.of(quick, systems);
      if (keys == null && reps == null && warmup == null && measure == null) {
        return p;
      }
      return p.with(
          keys == null ? p.keys() : keys,
          reps == null ? p.reps() : reps,
          warmup == null ? p.firstWarmup() : Duration.ofMillis((long) (warmup * 1000)),
          measure == null ? p.measure() : Duration.ofMillis((long) (measure * 1000)));
    }
  }

  private PeerBench(Options options, PrintStream out) {
    this.options = options;
    this.plan = options.plan();
    this.out = out;
  }

  /**
   * Entry point; see the class comment for the arguments.
   *
   * @throws Exception if the results cannot be written (a failing system is reported and skipped)
   */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
      o.plan();
    } catch (IllegalArgumentException e) {
      System.err.println("run-peers: " + e.getMessage());
      System.exit(2);
      return;
    }
    PeerBench b = new PeerBench(o, System.out);
    Thread hook =
        new Thread(
            () -> {
              b.stopRunning();
              stopStrays(b.out);
            },
            "peer-bench-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    b.run();
  }

  /** Stops the system that is running, if any (the shutdown hook; also after each system). */
  private void stopRunning() {
    PeerSystem s = running.getAndSet(null);
    if (s != null) {
      out.println("stopping " + s.getClass().getSimpleName() + " (PIDs " + s.pids() + ")");
      s.close();
    }
  }

  /**
   * Stops, by PID, every process this JVM started that still runs: those of a system that was still
   * starting (not yet registered as running) when the JVM was told to exit. All descendants get
   * SIGTERM at once (PostgreSQL's backends end their sessions, so the postmaster's shutdown need
   * not wait for this JVM's connections), then SIGKILL after 10 s.
   */
  static void stopStrays(PrintStream out) {
    List<ProcessHandle> left = ProcessHandle.current().descendants().toList();
    if (left.isEmpty()) {
      return;
    }
    out.println("stopping leftover processes " + left.stream().map(ProcessHandle::pid).toList());
    left.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (ProcessHandle p : left) {
      long wait = deadline - System.nanoTime();
      try {
        if (wait > 0) {
          p.onExit().get(wait, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // killed below
      }
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private void run() throws IOException {
    // Register the JDBC drivers now, with this class's loader as the context loader: DriverManager
    // scans for drivers once, on first use, through the calling thread's context class loader, and
    // after the etcd client ran on this thread that scan found none ("No suitable driver").
    Thread.currentThread().setContextClassLoader(PeerBench.class.getClassLoader());
    out.println(
        "JDBC drivers: "
            + DriverManager.drivers().map(d -> d.getClass().getName()).sorted().toList());
    Environment env = Environment.capture(options.etcd(), options.pgBin());
    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    out.println("peer comparison: " + plan.describe());
    out.println(
        "machine: " + env.machine() + "; load average " + env.loadAverage() + " at the start");
    Files.createDirectories(options.work());
    if (needs("etcd")) {
      runSystem(
          "etcd",
          () -> EtcdCluster.start(options.work().resolve("etcd"), options.etcd()),
          s -> runTarget(s, "etcd", "etcd", ((EtcdCluster) s).endpoints(), true));
    }
    if (needs("postgres") || needs("postgres-sync")) {
      runSystem(
          "postgres",
          () -> PostgresServer.start(options.work().resolve("postgres"), options.pgBin()),
          s -> {
            PostgresServer pg = (PostgresServer) s;
            boolean loaded = false;
            if (needs("postgres")) {
              runTarget(s, "postgres", "postgres", pg.jdbcUrl(), true);
              loaded = true;
            }
            if (needs("postgres-sync")) {
              long t0 = System.nanoTime();
              pg.addSyncStandby();
              progress("postgres: synchronous standby attached in %.1f s", seconds(t0));
              runTarget(s, "postgres-sync", "postgres", pg.jdbcUrl(), !loaded);
            }
          });
    }
    if (needs("quorumkv-jdbc") || needs("quorumkv-native")) {
      runSystem(
          "quorumkv",
          () -> QuorumKvCluster.start(options.work().resolve("quorumkv"), true),
          s -> {
            QuorumKvCluster q = (QuorumKvCluster) s;
            if (needs("quorumkv-jdbc")) {
              runTarget(s, "quorumkv-jdbc", "quorumkv-jdbc", q.jdbcUrl(), true);
            }
            if (needs("quorumkv-native")) {
              runTarget(s, "quorumkv-native", "quorumkv-native", q.nativeConnect(), true);
            }
          });
    }
    if (needs("quorumkv-native-nomerge")) {
      runSystem(
          "quorumkv (merging off)",
          () -> QuorumKvCluster.start(options.work().resolve("quorumkv-nomerge"), false),
          s ->
              runTarget(
                  s,
                  "quorumkv-native-nomerge",
                  "quorumkv-native",
                  ((QuorumKvCluster) s).nativeConnect(),
                  true));
    }
    writeResults(env, started);
  }

  private boolean needs(String system) {
    return plan.systems().contains(system);
  }

  /** Starts a system's processes. */
  private interface Starter {
    PeerSystem start() throws Exception;
  }

  /** Runs the targets of a started system. */
  private interface Body {
    void run(PeerSystem s) throws Exception;
  }

  private void runSystem(String name, Starter starter, Body body) {
    long t0 = System.nanoTime();
    progress("%s: starting", name);
    try {
      PeerSystem s = starter.start();
      running.set(s);
      progress("%s: up in %.1f s (PIDs %s)", name, seconds(t0), s.pids());
      timings.add(String.format(Locale.ROOT, "%s start %.1f s", name, seconds(t0)));
      body.run(s);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add(name + ": interrupted");
    } catch (Exception e) {
      LOG.error("{} failed", name, e);
      failures.add(name + ": " + e);
      progress("%s: FAILED: %s", name, e);
    } finally {
      long stop = System.nanoTime();
      stopRunning();
      progress("%s: stopped in %.1f s", name, seconds(stop));
    }
  }

  private void runTarget(PeerSystem system, String label, String kind, String connect, boolean load)
      throws Exception {
    try (Target t = Targets.open(kind, connect)) {
      if (load) {
        long t0 = System.nanoTime();
        t.load(plan.keys(), plan.valueBytes(), LOAD_WRITERS);
        progress("%s: loaded %,d keys in %.1f s", label, plan.keys(), seconds(t0));
        timings.add(String.format(Locale.ROOT, "%s load %.1f s", label, seconds(t0)));
      }
      warmUp(t, label);
      for (Plan.Step step : plan.steps(label)) {
        for (int rep = 1; rep <= plan.reps(); rep++) {
          LoadOptions lo =
              new LoadOptions(
                  plan.keys(),
                  plan.valueBytes(),
                  step.clients(),
                  rep == 1 ? plan.firstWarmup() : plan.warmup(),
                  plan.measure(),
                  rep);
          Sampler sampler = new Sampler(system);
          RunResult r;
          try {
            r = LoadGenerator.run(t, step.workload(), lo, sampler);
          } catch (InterruptedException e) {
            throw e;
          } catch (Exception e) {
            LOG.error("{} {} at {} clients failed", label, step.workload(), step.clients(), e);
            failures.add(
                String.format(
                    "%s %s at %d clients, repetition %d: %s",
                    label, Plan.name(step.workload()), step.clients(), rep, e));
            progress(
                "%s %s c=%d rep %d: FAILED: %s",
                label, Plan.name(step.workload()), step.clients(), rep, e);
            break;
          }
          Sample s = sampler.sample(label, step, rep, r);
          samples.add(s);
          progress(
              "%s %s c=%d rep %d/%d: %,.0f ops/s p50 %,d p99 %,d p999 %,d µs; CPU %.3f s/1k ops"
                  + " (loader %.3f)%s; errors %d",
              label,
              Plan.name(step.workload()),
              step.clients(),
              rep,
              plan.reps(),
              r.opsPerSecond(),
              r.p50Micros(),
              r.p99Micros(),
              r.p999Micros(),
              s.cpuPer1k(),
              s.loaderCpuPer1k(),
              s.peerFrames() < 0
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; %.2f msgs/op %.2f frames/op",
                      s.messagesPerOp(),
                      s.framesPerOp()),
              r.errors());
        }
      }
    }
  }

  /**
   * Runs each of the target's workloads once, unmeasured, at the main concurrency: the first cell
   * otherwise pays for the start-up of whatever the system compiles or caches on first use (the
   * QuorumKV nodes' JIT, PostgreSQL's plan and catalog caches), which the load alone does not reach
   * for reads and conditional writes. The same for every system.
   */
  private void warmUp(Target t, String label) throws Exception {
    if (plan.systemWarmup().isZero()) {
      return;
    }
    long t0 = System.nanoTime();
    List<io.quorumkv.bench.peers.load.Workload> done = new ArrayList<>();
    for (Plan.Step step : plan.steps(label)) {
      if (done.contains(step.workload())) {
        continue;
      }
      done.add(step.workload());
      LoadGenerator.run(
          t,
          step.workload(),
          new LoadOptions(
              plan.keys(),
              plan.valueBytes(),
              plan.clients(),
              Duration.ZERO,
              plan.systemWarmup(),
              0),
          MeasureListener.NONE);
    }
    progress(
        "%s: warmed up (%s, %.1f s each) in %.1f s",
        label, Plan.names(done), plan.systemWarmup().toMillis() / 1000.0, seconds(t0));
  }

  /** Samples the system's and the load generator's CPU and QuorumKV's counters at the window. */
  private static final class Sampler implements MeasureListener {
    private final PeerSystem system;
    private double cpu0 = Double.NaN;
    private double cpu1 = Double.NaN;
    private double loader0 = Double.NaN;
    private double loader1 = Double.NaN;
    private Map<String, Long> counters0 = Map.of();
    private Map<String, Long> counters1 = Map.of();

    Sampler(PeerSystem system) {
      this.system = system;
    }

    @Override
    public void started() {
      counters0 = system.counters();
      loader0 = ProcStat.selfCpuSeconds();
      cpu0 = ProcStat.treeCpuSeconds(system.pids());
    }

    @Override
    public void ended() {
      cpu1 = ProcStat.treeCpuSeconds(system.pids());
      loader1 = ProcStat.selfCpuSeconds();
      counters1 = system.counters();
    }

    Sample sample(String label, Plan.Step step, int rep, RunResult r) {
      return new Sample(
          label,
          step.workload(),
          step.clients(),
          rep,
          r,
          cpu1 - cpu0,
          loader1 - loader0,
          delta("peer.messages.sent"),
          delta("peer.frames.sent"));
    }

    private long delta(String counter) {
      if (!counters0.containsKey(counter) || !counters1.containsKey(counter)) {
        return -1;
      }
      return counters1.get(counter) - counters0.get(counter);
    }
  }

  private void progress(String format, Object... args) {
    long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
    out.printf(
        Locale.ROOT, "[%02d:%02d] %s%n", s / 60, s % 60, String.format(Locale.ROOT, format, args));
    out.flush();
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private void writeResults(Environment env, String started) throws IOException {
    Report report = new Report(plan, samples);
    long total = (System.nanoTime() - startNanos) / 1_000_000_000L;
    StringBuilder md = new StringBuilder();
    md.append("## Peer comparison").append(plan.quick() ? " (quick)" : "").append("\n\n");
    md.append("Command: `").append(options.command()).append("`  \n");
    md.append("Started: ").append(started).append("; took ").append(total / 60).append(" min ");
    md.append(total % 60).append(" s  \n");
    md.append("Machine: ").append(env.machine()).append("  \n");
    md.append("Load average: ").append(env.loadAverage()).append(" at the start, ");
    md.append(Environment.readLoadAverage()).append(" at the end  \n");
    md.append("Versions: ").append(env.versions()).append("  \n");
    md.append("Start-up and load: ").append(String.join(", ", timings)).append("\n\n");
    md.append(plan.describe()).append("\n\n");
    md.append(Environment.SETUP).append("\n\n");
    if (!failures.isEmpty()) {
      md.append("**Failures:**\n\n");
      for (String f : failures) {
        md.append("- ").append(f.replace("\n", " ")).append('\n');
      }
      md.append('\n');
    }
    md.append(report.markdown());
    Path dir = options.out();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("results.csv"), report.csv(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(Report.LATENCY_PLOT), report.latencyPlot(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(Report.THROUGHPUT_PLOT), report.throughputPlot(), StandardCharsets.UTF_8);
    out.println();
    out.println(md);
    out.println(
        "written: "
            + Arrays.asList(
                dir.resolve("results.md"),
                dir.resolve("results.csv"),
                dir.resolve(Report.LATENCY_PLOT),
                dir.resolve(Report.THROUGHPUT_PLOT)));
  }
}
