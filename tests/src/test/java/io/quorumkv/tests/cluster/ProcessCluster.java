package io.quorumkv.tests.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.client.RequestFailedException;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.server.QuorumKvServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3-node QuorumKV cluster of separate JVMs on loopback: node {@code i} (1..3) runs {@link
 * QuorumKvServer} in its own process, listens on {@code 127.0.0.(i+1)} (and binds its outgoing peer
 * connections there, so {@link LoopbackFirewall} rules between the addresses match its traffic),
 * keeps its data in {@code dir/node-i/data} and logs to {@code dir/node-i/run-N.log} (one file per
 * incarnation, kept for the test to report).
 *
 * <p>Faults: {@link #kill} (SIGKILL, then polls until the process is reaped and gone, so a restart
 * never meets the old process on its ports or files), {@link #pause}/{@link #resume} (SIGSTOP /
 * SIGCONT, polled until the kernel reports the new state). {@link #start} waits until the node
 * <em>serves</em>: a linearizable read coordinated by that node completes, which needs a quorum
 * connected to it.
 *
 * <p>Each incarnation gets its own {@code random.seed} (derived from the test seed): the node's
 * read-query ids must not repeat across incarnations (PAXOS.md, "Read query ids"), but the server's
 * default seed is a constant per node id, so a restarted node with the default config starts its
 * query ids where its previous incarnation did.
 *
 * <p>Not thread-safe: one test thread drives it. {@link #close} resumes paused nodes, stops every
 * process (SIGTERM, then SIGKILL after a grace period) and is idempotent.
 */
final class ProcessCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessCluster.class);

  /** The default number of nodes (ids 1..SIZE). */
  static final int SIZE = 3;

  /** How long a node may take to serve after its start (JVM start on a busy machine included). */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private static final Duration GONE_TIMEOUT = Duration.ofSeconds(60);

  /** Key read by readiness probes; the workload never uses it. */
  private static final Bytes PROBE_KEY = Bytes.utf8("probe");

  private final Path dir;
  private final String engine;
  private final long seed;
  private final int requestTimeoutMillis;
  private final int size;
  private final int founders;
  private final String extraConfig;
  private final int[] peerPorts;
  private final int[] clientPorts;
  private final Process[] processes;
  private final int[] incarnations;
  private final boolean[] paused;
  private final List<Path> logs = new ArrayList<>();
  private boolean closed;

  /**
   * A cluster (not started) in {@code dir} with engine {@code engine}; {@code seed} derives the
   * nodes' random seeds; {@code requestTimeoutMillis} is the nodes' default request deadline.
   */
  ProcessCluster(Path dir, String engine, long seed, int requestTimeoutMillis) {
    this(dir, engine, seed, requestTimeoutMillis, SIZE, "");
  }

  /**
   * A cluster of {@code size} nodes in three zones round-robin (node {@code i} in {@code zone-((i -
   * 1) % 3 + 1)}), each config ending with {@code extraConfig} (more {@code key = value} lines).
   */
  ProcessCluster(
      Path dir, String engine, long seed, int requestTimeoutMillis, int size, String extraConfig) {
    this(dir, engine, seed, requestTimeoutMillis, size, size, extraConfig);
  }

  /**
   * As above, but only nodes {@code 1..founders} found the cluster (configured with each other as
   * peers; {@link #startAll} starts them); the others join the running cluster through the
   * founders' client ports ({@code cluster.seeds}) when {@link #start} starts them.
   */
  ProcessCluster(
      Path dir,
      String engine,
      long seed,
      int requestTimeoutMillis,
      int size,
      int founders,
      String extraConfig) {
    this.dir = dir;
    this.engine = engine;
    this.seed = seed;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.size = size;
    this.founders = founders;
    this.extraConfig = extraConfig;
    this.peerPorts = new int[size + 1];
    this.clientPorts = new int[size + 1];
    this.processes = new Process[size + 1];
    this.incarnations = new int[size + 1];
    this.paused = new boolean[size + 1];
    choosePorts();
  }

  /** How many nodes the cluster has (ids 1..size). */
  int size() {
    return size;
  }

  /** Node {@code i}'s zone. */
  static String zone(int i) {
    return "zone-" + ((i - 1) % 3 + 1);
  }

  /** The loopback address node {@code i} uses for everything. */
  static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  /** Node {@code i}'s peer port. */
  int peerPort(int i) {
    return peerPorts[i];
  }

  /** Node {@code i}'s native-client address. */
  InetSocketAddress clientAddress(int i) {
    return new InetSocketAddress(host(i), clientPorts[i]);
  }

  /** Node {@code i}'s data directory. */
  Path dataDir(int i) {
    return dir.resolve("node-" + i).resolve("data");
  }

  /** Every log file written so far, oldest first. */
  List<Path> logs() {
    return List.copyOf(logs);
  }

  /** The process of node {@code i} (null if never started). */
  Process process(int i) {
    return processes[i];
  }

  private void choosePorts() {
    for (int i = 1; i <= size; i++) {
      peerPorts[i] = freePort(host(i));
      clientPorts[i] = freePort(host(i));
    }
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a free port on " + host, e);
    }
  }

  /**
   * Starts all nodes and waits until each serves. A port taken by someone else between choosing and
   * binding it (other builds share this machine) makes the cluster choose new ports and try again.
   */
  void startAll() throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      for (int i = 1; i <= founders; i++) {
        launch(i);
      }
      try {
        for (int i = 1; i <= founders; i++) {
          awaitServing(i);
        }
        return;
      } catch (PortTakenException e) {
        if (attempt == 3) {
          throw new AssertionError(e.getMessage(), e);
        }
        LOG.warn("{}; choosing new ports and starting again", e.getMessage());
        for (int i = 1; i <= size; i++) {
          kill(i);
        }
        choosePorts();
      }
    }
  }

  /** Starts node {@code i} (on its data directory and ports) and waits until it serves. */
  void start(int i) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      launch(i);
      try {
        awaitServing(i);
        return;
      } catch (PortTakenException e) {
        // Its ports were free until the kill; something on this machine grabbed one since.
        if (attempt == 5) {
          throw new AssertionError(e.getMessage(), e);
        }
        LOG.warn("{}; trying again", e.getMessage());
      }
    }
  }

  private void launch(int i) throws IOException {
    if (processes[i] != null && processes[i].isAlive()) {
      throw new IllegalStateException("node " + i + " is still running");
    }
    int n = incarnations[i]++;
    Path nodeDir = dir.resolve("node-" + i);
    Files.createDirectories(nodeDir);
    Path config = nodeDir.resolve("node.properties");
    Files.writeString(config, config(i, n), UTF_8);
    Path log = nodeDir.resolve("run-" + n + ".log");
    logs.add(log);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    processes[i] =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                // C1 only: a node starts and serves sooner on a busy 2-core machine
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp",
                System.getProperty("java.class.path"),
                QuorumKvServer.class.getName(),
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    paused[i] = false;
    LOG.info("node {} incarnation {} started as pid {}", i, n, processes[i].pid());
  }

  private String config(int i, int incarnation) {
    StringBuilder peers = new StringBuilder();
    StringBuilder zones = new StringBuilder();
    StringBuilder seeds = new StringBuilder();
    for (int j = 1; j <= founders; j++) {
      peers.append(j == 1 ? "" : ", ").append(j).append('=').append(host(j));
      peers.append(':').append(peerPorts[j]);
      zones.append(j == 1 ? "" : ", ").append(j).append('=').append(zone(j));
      seeds.append(j == 1 ? "" : ", ").append(host(j)).append(':').append(clientPorts[j]);
    }
    String placement =
        i <= founders ? "peers = " + peers + "\npeer.zones = " + zones : "cluster.seeds = " + seeds;
    return String.join(
        "\n",
        "# generated by " + ProcessCluster.class.getName() + ", incarnation " + incarnation,
        "node.id = " + i,
        "node.zone = " + zone(i),
        "listen.address = " + host(i),
        "http.port = 0", // any free port: fixed ports collide across concurrent builds
        "peer.port = " + peerPorts[i],
        "client.port = " + clientPorts[i],
        placement,
        "data.dir = " + dataDir(i),
        "engine.kind = " + engine,
        "request.timeout.ms = " + requestTimeoutMillis,
        "random.seed = " + (seed * 31 + i * 1_000_003L + incarnation * 7_919L),
        extraConfig,
        "");
  }

  /**
   * Polls until a linearizable read coordinated by node {@code i} completes.
   *
   * @throws PortTakenException if the node exited because a port was taken
   * @throws AssertionError if it exited otherwise or did not serve in time
   */
  void awaitServing(int i) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (QuorumClient probe = pinnedClient(i, Long.MAX_VALUE / 2 + i, Duration.ofSeconds(1))) {
      while (true) {
        Process p = processes[i];
        if (!p.isAlive()) {
          String log = currentLog(i);
          if (log.contains("cannot listen on")) {
            throw new PortTakenException("node " + i + " could not bind its ports: " + log);
          }
          throw new AssertionError(
              "node " + i + " exited with status " + p.exitValue() + " before serving: " + log);
        }
        try {
          if (probe.get(PROBE_KEY).get(10, TimeUnit.SECONDS) != null) {
            return;
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RequestFailedException)) {
            throw new AssertionError("readiness probe of node " + i + " failed", e);
          }
        } catch (TimeoutException e) {
          LOG.warn("readiness probe of node {} got no answer in 10 s", i);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "node "
                  + i
                  + " did not serve a read within "
                  + READY_TIMEOUT.toSeconds()
                  + " s; see "
                  + currentLogPath(i));
        }
        Thread.sleep(50); // poll interval
      }
    }
  }

  /**
   * Checks that node {@code i} cannot serve a linearizable read now (it is dead, stopped or cut off
   * from every peer): proof that a fault took effect, so a passing run is not a vacuous one.
   */
  void assertNotServing(int i) throws InterruptedException {
    try (QuorumClient probe = pinnedClient(i, Long.MAX_VALUE / 2 + 10 + i, Duration.ofSeconds(1))) {
      Outcome.ReadOk r = probe.get(PROBE_KEY).get(60, TimeUnit.SECONDS);
      throw new AssertionError(
          "node "
              + i
              + " still serves a linearizable read ("
              + r
              + "): the fault did not take effect");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RequestFailedException)) {
        throw new AssertionError("probe of node " + i + " failed unexpectedly", e.getCause());
      }
    } catch (TimeoutException e) {
      throw new AssertionError("probe of node " + i + " never completed", e);
    }
  }

  private Path currentLogPath(int i) {
    return dir.resolve("node-" + i).resolve("run-" + (incarnations[i] - 1) + ".log");
  }

  /** The log of node {@code i}'s current incarnation. */
  String currentLog(int i) throws IOException {
    return Files.readString(currentLogPath(i), UTF_8);
  }

  /** A client of every node (preferred node by key hash, failover to the others). */
  QuorumClient client(long clientId, Duration timeout) {
    QuorumClient.Builder b = QuorumClient.builder().clientId(clientId).timeout(timeout);
    for (int i = 1; i <= size; i++) {
      b.node(i, clientAddress(i));
    }
    return b.build();
  }

  /** A client that sends every request to node {@code i} only (one attempt, no failover). */
  QuorumClient pinnedClient(int i, long clientId, Duration timeout) {
    return QuorumClient.builder()
        .node(i, clientAddress(i))
        .clientId(clientId)
        .timeout(timeout)
        .attempts(1)
        .build();
  }

  /** SIGKILLs node {@code i} and polls until the process is reaped and gone. */
  void kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p == null) {
      return;
    }
    p.destroyForcibly(); // SIGKILL on Linux; also ends a stopped process
    long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
    while (!p.waitFor(100, TimeUnit.MILLISECONDS)
        || ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node " + i + " (pid " + p.pid() + ") survived SIGKILL");
      }
    }
    paused[i] = false;
    LOG.info("node {} (pid {}) killed, exit status {}", i, p.pid(), p.exitValue());
  }

  /** SIGSTOPs node {@code i} and polls until the kernel reports it stopped. */
  void pause(int i) throws IOException, InterruptedException {
    signal(i, "-STOP");
    paused[i] = true;
    awaitState(i, true);
  }

  /** SIGCONTs node {@code i} and polls until the kernel reports it running again. */
  void resume(int i) throws IOException, InterruptedException {
    signal(i, "-CONT");
    paused[i] = false;
    awaitState(i, false);
  }

  private void signal(int i, String sig) throws IOException, InterruptedException {
    long pid = processes[i].pid();
    Process kill =
        new ProcessBuilder("kill", sig, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), UTF_8);
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill " + sig + " " + pid + " failed: " + out);
    }
  }

  private void awaitState(int i, boolean stopped) throws IOException, InterruptedException {
    long pid = processes[i].pid();
    long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
    while (isStopped(pid) != stopped) {
      if (!processes[i].isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "node " + i + " (pid " + pid + ") did not become " + (stopped ? "stopped" : "running"));
      }
      Thread.sleep(10);
    }
  }

  /** Whether /proc says {@code pid} is stopped (state T). */
  private static boolean isStopped(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), UTF_8);
    // "pid (comm) S ...": the state follows the last ')' (comm may contain anything)
    return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
  }

  /**
   * Stops every node gracefully (SIGTERM: the node closes its engine), SIGKILLs any that does not
   * exit within 30 s. Paused nodes are resumed first.
   */
  @Override
  public void close() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      for (Process p : processes) {
        if (p != null) {
          p.destroyForcibly();
        }
      }
    }
  }

  private void stopAll() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 1; i <= size; i++) {
      Process p = processes[i];
      if (p != null && p.isAlive()) {
        if (paused[i]) {
          try {
            signal(i, "-CONT");
          } catch (IOException | AssertionError e) {
            LOG.warn("cannot resume node {}: {}", i, e.toString());
          }
        }
        p.destroy(); // SIGTERM
      }
    }
    for (int i = 1; i <= size; i++) {
      Process p = processes[i];
      if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warn("node {} ignored SIGTERM for 30 s; killing it", i);
        kill(i);
      }
    }
  }

  /** A node exited because one of its ports was taken. */
  static final class PortTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
