package io.quorumkv.bench.cluster;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMapCodec;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.node.NodeTopology;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.server.cluster.ClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Node JVMs ({@code io.quorumkv.server.QuorumKvServer} with generated configs), three by default,
 * node {@code i} on 127.0.0.(i+1) in zone {@code zone-((i - 1) % 3 + 1)}, each with its own data
 * directory and log file under {@code dir}. Ports are free ports found at start (other tests may
 * use the example ports). Each node also serves SQL ({@link #jdbcUrl()}). Public for the peer
 * comparison (bench-peers). Not thread-safe.
 */
public final class NodeProcesses implements AutoCloseable {
  /** The default number of nodes. */
  public static final int NODES = 3;

  private static final long CLK_TCK = 100; // USER_HZ on Linux (getconf CLK_TCK)

  private final Path dir;
  private int size;
  private String engine;
  private boolean merging;
  private List<String> jvmOptions;
  private int replicationFactor;
  private String extraConfig = "";
  private final List<Process> processes = new ArrayList<>();
  private ClusterMap placed;
  private final List<InetSocketAddress> clientAddresses = new ArrayList<>();
  private final List<InetSocketAddress> sqlAddresses = new ArrayList<>();

  private NodeProcesses(Path dir, int size) {
    this.dir = dir;
    this.size = size;
  }

  /**
   * Starts the nodes and waits until a write commits through each of them.
   *
   * @param engine bitcask, lsm or memory
   * @param merging the nodes' {@code peer.merging}
   * @param jvmOptions extra options for every node JVM (heap, GC, JFR, ...)
   * @throws IOException if a node cannot be started
   * @throws InterruptedException if interrupted while waiting for the nodes
   */
  public static NodeProcesses start(
      Path dir, String engine, boolean merging, List<String> jvmOptions)
      throws IOException, InterruptedException {
    return start(dir, engine, merging, jvmOptions, NODES, 3);
  }

  /**
   * Starts {@code size} nodes with {@code replicationFactor} replicas per segment and waits until
   * each serves and the balancer has placed every segment.
   *
   * @throws IOException if a node cannot be started
   * @throws InterruptedException if interrupted while waiting for the nodes
   */
  public static NodeProcesses start(
      Path dir,
      String engine,
      boolean merging,
      List<String> jvmOptions,
      int size,
      int replicationFactor)
      throws IOException, InterruptedException {
    return start(dir, engine, merging, jvmOptions, size, replicationFactor, "");
  }

  /**
   * As {@link #start(Path, String, boolean, List, int, int)}, each node's config ending with {@code
   * extraConfig} (more {@code key = value} lines, e.g. {@code rebalance.max-bytes-per-sec}); nodes
   * that {@link #join} later get it too.
   *
   * @throws IOException if a node cannot be started
   * @throws InterruptedException if interrupted while waiting for the nodes
   */
  public static NodeProcesses start(
      Path dir,
      String engine,
      boolean merging,
      List<String> jvmOptions,
      int size,
      int replicationFactor,
      String extraConfig)
      throws IOException, InterruptedException {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    NodeProcesses n = new NodeProcesses(dir, size);
    int[] peerPorts = new int[size + 1];
    int[] clientPorts = new int[size + 1];
    int[] sqlPorts = new int[size + 1];
    StringBuilder peers = new StringBuilder();
    StringBuilder zones = new StringBuilder();
    for (int i = 1; i <= size; i++) {
      peerPorts[i] = freePort(host(i));
      clientPorts[i] = freePort(host(i));
      sqlPorts[i] = freePort(host(i));
      peers.append(i == 1 ? "" : ", ").append(i + "=" + host(i) + ":" + peerPorts[i]);
      zones.append(i == 1 ? "" : ", ").append(i + "=" + zone(i));
    }
    n.engine = engine;
    n.merging = merging;
    n.jvmOptions = List.copyOf(jvmOptions);
    n.replicationFactor = replicationFactor;
    n.extraConfig = extraConfig;
    try {
      for (int i = 1; i <= size; i++) {
        n.launch(
            i,
            peerPorts[i],
            clientPorts[i],
            sqlPorts[i],
            "peers = " + peers + "\npeer.zones = " + zones);
      }
      n.awaitReady();
      n.awaitPlaced(Math.min(replicationFactor, size));
    } catch (IOException | InterruptedException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private void launch(int i, int peerPort, int clientPort, int sqlPort, String placement)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path conf = dir.resolve("node" + i + ".properties");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "node.id = " + i,
            "node.zone = " + zone(i),
            "listen.address = " + host(i),
            "http.port = 0", // any free port: fixed ports collide across concurrent builds
            "peer.port = " + peerPort,
            "client.port = " + clientPort,
            "sql.port = " + sqlPort,
            placement,
            "cluster.replication.factor = " + replicationFactor,
            "data.dir = " + dir.resolve("node" + i).toAbsolutePath(),
            "engine.kind = " + engine,
            "peer.merging = " + merging,
            "request.timeout.ms = 5000",
            extraConfig,
            ""),
        StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.quorumkv.server.QuorumKvServer");
    cmd.add(conf.toString());
    Path log = dir.resolve("node" + i + ".log");
    processes.add(
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    clientAddresses.add(new InetSocketAddress(host(i), clientPort));
    sqlAddresses.add(new InetSocketAddress(host(i), sqlPort));
  }

  /**
   * Starts {@code count} more nodes (ids {@code size + 1...}, zones round-robin) that join the
   * running cluster through the first three nodes' client ports ({@code cluster.seeds}), and waits
   * until each serves; the balancer then moves segments to them (not waited for).
   *
   * @throws IOException if a node cannot be started
   * @throws InterruptedException if interrupted while waiting
   */
  public void join(int count) throws IOException, InterruptedException {
    StringBuilder seeds = new StringBuilder();
    for (int i = 1; i <= Math.min(3, size); i++) {
      InetSocketAddress a = clientAddresses.get(i - 1);
      seeds.append(i == 1 ? "" : ", ").append(a.getHostString()).append(':').append(a.getPort());
    }
    for (int k = 0; k < count; k++) {
      int i = size + 1;
      launch(
          i, freePort(host(i)), freePort(host(i)), freePort(host(i)), "cluster.seeds = " + seeds);
      size = i;
    }
    awaitReady();
  }

  /** The stored cluster map now (read linearizably), or {@code null} if it cannot be read. */
  public ClusterMap map(QuorumClient client) throws InterruptedException {
    try {
      Outcome.ReadOk r = client.get(ClusterManager.mapKey()).get(10, TimeUnit.SECONDS);
      return r.value() == null ? null : ClusterMapCodec.decode(r.value().toByteArray());
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  /** The loopback address of node {@code node} (1-based). */
  public static String host(int node) {
    return "127.0.0." + (node + 1);
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  /** Node {@code i}'s zone: three zones, round-robin. */
  static String zone(int i) {
    return "zone-" + ((i - 1) % 3 + 1);
  }

  /** How many nodes run. */
  public int size() {
    return size;
  }

  /** A client of all nodes that sends each key to any node (a non-replica forwards it). */
  public QuorumClient client(Duration timeout) {
    return client(timeout, false);
  }

  /**
   * A client of all nodes; with {@code byMap} it sends each key to a replica of its segment, by the
   * cluster map as placed when the cluster started (the benchmark moves nothing after that).
   */
  public QuorumClient client(Duration timeout, boolean byMap) {
    QuorumClient.Builder b = QuorumClient.builder().timeout(timeout).attempts(3);
    for (int i = 1; i <= size; i++) {
      b.node(i, clientAddresses.get(i - 1));
    }
    if (byMap) {
      NodeTopology topology = ClusterManager.topology(placed);
      b.groups(topology::configOf);
    }
    return b.build();
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    QuorumClient.Builder b = QuorumClient.builder().timeout(Duration.ofSeconds(1)).attempts(1);
    for (int i = 1; i <= size; i++) {
      b.node(i, clientAddresses.get(i - 1));
    }
    try (QuorumClient c = b.build()) {
      for (int i = 1; i <= size; i++) {
        while (true) {
          for (Process p : processes) {
            if (!p.isAlive()) {
              throw new IllegalStateException(
                  "a node exited during start (exit " + p.exitValue() + "); see " + dir + "/*.log");
            }
          }
          try {
            c.stats(i).get(2, TimeUnit.SECONDS);
            break;
          } catch (ExecutionException | TimeoutException e) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("node " + i + " did not come up; see " + dir, e);
            }
            Thread.sleep(100);
          }
        }
      }
    }
  }

  /** Waits until the cluster map places every segment on {@code replicas} nodes, none moving. */
  private void awaitPlaced(int replicas) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    try (QuorumClient c = client(Duration.ofSeconds(2))) {
      while (true) {
        try {
          Outcome.ReadOk r = c.get(ClusterManager.mapKey()).get(10, TimeUnit.SECONDS);
          if (r.value() != null) {
            ClusterMap m = ClusterMapCodec.decode(r.value().toByteArray());
            if (Balancer.settled(m)
                && m.segments().stream().allMatch(g -> g.replicas().size() == replicas)) {
              placed = m;
              return;
            }
          }
        } catch (ExecutionException | TimeoutException e) {
          // not readable yet: poll again
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("segments not placed within 300 s; see " + dir);
        }
        Thread.sleep(100);
      }
    }
  }

  /** The nodes' native client addresses, node 1 first. */
  public List<InetSocketAddress> clientAddresses() {
    return List.copyOf(clientAddresses);
  }

  /** The JDBC URL of all nodes' SQL endpoints. */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:quorumkv://");
    for (InetSocketAddress a : sqlAddresses) {
      url.append(url.length() > "jdbc:quorumkv://".length() ? "," : "");
      url.append(a.getHostString()).append(':').append(a.getPort());
    }
    return url.toString();
  }

  /** The node JVMs' process ids, node 1 first. */
  public List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  /**
   * Each node's counters, node 1 first.
   *
   * @throws Exception if a node does not answer within 10 s
   */
  public List<Map<String, Long>> stats(QuorumClient client) throws Exception {
    List<Map<String, Long>> all = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      all.add(client.stats(i).get(10, TimeUnit.SECONDS));
    }
    return all;
  }

  /** User + system CPU seconds used so far by all node JVMs. */
  double cpuSeconds() throws IOException {
    double s = 0;
    for (long pid : pids()) {
      s += cpuSeconds(pid);
    }
    return s;
  }

  /** User + system CPU seconds of process {@code pid}, from {@code /proc/PID/stat}. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (utime + stime) / (double) CLK_TCK;
  }

  /** Stops the nodes (SIGTERM, then SIGKILL after 10 s) and deletes their data. */
  @Override
  public void close() throws IOException {
    for (Process p : processes) {
      p.destroy();
    }
    try {
      for (Process p : processes) {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      processes.forEach(Process::destroyForcibly);
    }
    for (int i = 1; i <= size; i++) {
      deleteRecursively(dir.resolve("node" + i));
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
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
