package io.quorumkv.server;

import io.quorumkv.replication.node.NodeStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of N nodes (3 by default) in one process, for trying QuorumKV on one machine ({@code
 * bin/quorumkv local [--nodes N]}): node {@code i} (1..N) is in zone {@code zone-z} with {@code z =
 * (i - 1) % 3 + 1} (round-robin over three zones), keeps its data in {@code DIR/node-i} (bitcask,
 * so it survives a restart) and listens on its own loopback address {@code 127.0.0.(i+1)} with the
 * peer port {@code B}, the native-client port {@code B+100}, the SQL port {@code B+200} and the
 * HTTP port {@code B+400} ({@code /metrics}, {@code /health}, {@code /ready}) ({@code B} = {@code
 * --port-base}, 7100 by default). Where the extra loopback addresses cannot be bound (not Linux),
 * every node listens on 127.0.0.1 and node {@code i} adds {@code i} to each port.
 *
 * <p>The nodes are ordinary {@link QuorumKvServer}s; what the process adds is ownership: any node's
 * SQL endpoint can stop and start the others ({@code !stop}/{@code !start} in the shell), which a
 * node running on its own cannot.
 *
 * <p>Thread-safe; stop/start of nodes are serialized.
 */
public final class LocalCluster implements LocalNodes, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  /** The default number of nodes. */
  public static final int DEFAULT_SIZE = 3;

  /** The most nodes a local cluster may have (node ports are offset by the node id). */
  public static final int MAX_SIZE = 96;

  /** The default base port. */
  public static final int DEFAULT_PORT_BASE = 7100;

  /** How long {@link #start(int)} waits for a restarted node to reconnect to its peers. */
  private static final long RECONNECT_MILLIS = 10_000;

  private final Path dir;
  private final boolean sharedAddress;
  private final int portBase;

  /** The founding nodes (1..founders), configured with each other as peers. */
  private final int founders;

  /** Every node, founders and those added since (founders+1..size), which joined through seeds. */
  private int size;

  private final ServerConfig[] configs;
  private final QuorumKvServer[] servers;
  private final Future<?>[] stopping;
  private final ScheduledExecutorService deferred =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "qkv-local-stop");
            t.setDaemon(true);
            return t;
          });

  private LocalCluster(Path dir, boolean sharedAddress, int portBase, int size) {
    if (size < 1 || size > MAX_SIZE) {
      throw new ConfigException(
          "a local cluster has 1 to " + MAX_SIZE + " nodes, not " + size + " (--nodes)");
    }
    this.dir = dir;
    this.sharedAddress = sharedAddress;
    this.portBase = portBase;
    this.founders = size;
    this.size = size;
    this.configs = new ServerConfig[MAX_SIZE + 1];
    this.servers = new QuorumKvServer[MAX_SIZE + 1];
    this.stopping = new Future<?>[MAX_SIZE + 1];
    for (int i = 1; i <= size; i++) {
      configs[i] = ServerConfig.parse("local node " + i, configText(i));
    }
  }

  /**
   * Starts the three nodes over {@code dir} and waits (up to 30 s) until they are connected to each
   * other.
   *
   * @param sharedAddress all nodes on 127.0.0.1 (distinct ports) instead of 127.0.0.2/.3/.4
   * @throws ConfigException if a data directory is unusable
   * @throws NodeStartException if a port is in use (the message names it)
   */
  public static LocalCluster start(Path dir, boolean sharedAddress, int portBase)
      throws InterruptedException {
    return start(dir, sharedAddress, portBase, DEFAULT_SIZE);
  }

  /**
   * Starts {@code size} nodes over {@code dir}, as {@link #start(Path, boolean, int)} does three.
   *
   * @throws ConfigException if {@code size} is out of range or a data directory is unusable
   */
  public static LocalCluster start(Path dir, boolean sharedAddress, int portBase, int size)
      throws InterruptedException {
    LocalCluster cluster = new LocalCluster(dir, sharedAddress, portBase, size);
    try {
      for (int i = 1; i <= size; i++) {
        cluster.startNode(i);
      }
      // Nodes added in an earlier run (!add-node) have their data here: they come back too (a
      // removed node's data is deleted, so ids may have gaps).
      synchronized (cluster) {
        for (int id = size + 1; id <= MAX_SIZE; id++) {
          if (Files.isDirectory(cluster.dataDir(id))) {
            cluster.size = id;
            cluster.configs[id] = ServerConfig.parse("local node " + id, cluster.configText(id));
            cluster.startNode(id);
          }
        }
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    cluster.awaitConnected(30_000);
    return cluster;
  }

  /** Whether 127.0.0.2 can be bound here (Linux routes all of 127/8 to the loopback interface). */
  public static boolean loopbackAddressesUsable() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.2", 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Node {@code i}'s address. */
  String host(int i) {
    return sharedAddress ? "127.0.0.1" : "127.0.0." + (i + 1);
  }

  private int port(int i, int offset) {
    return portBase + offset + (sharedAddress ? i : 0);
  }

  private Path dataDir(int i) {
    return dir.resolve("node-" + i);
  }

  /**
   * Node {@code i}'s config: a founder lists the founders as peers; a node added later names the
   * founders' client ports as {@code cluster.seeds} and joins through them.
   */
  private String configText(int i) {
    List<String> peers = new ArrayList<>();
    List<String> zones = new ArrayList<>();
    List<String> seeds = new ArrayList<>();
    for (int j = 1; j <= founders; j++) {
      peers.add(j + "=" + host(j) + ":" + port(j, 0));
      zones.add(j + "=" + zone(j));
      seeds.add(host(j) + ":" + port(j, 100));
    }
    String placement =
        i <= founders
            ? "peers = " + String.join(", ", peers) + "\npeer.zones = " + String.join(", ", zones)
            : "cluster.seeds = " + String.join(", ", seeds);
    return String.join(
        "\n",
        "node.id = " + i,
        "node.zone = " + zone(i),
        "listen.address = " + host(i),
        "peer.port = " + port(i, 0),
        "client.port = " + port(i, 100),
        "sql.port = " + port(i, 200),
        "http.port = " + port(i, 400),
        placement,
        "data.dir = " + dataDir(i),
        "engine.kind = bitcask",
        "request.timeout.ms = 2000");
  }

  /** Node {@code i}'s zone: three zones, round-robin. */
  static String zone(int i) {
    return "zone-" + ((i - 1) % 3 + 1);
  }

  /** How many nodes this cluster has (founders and added ones). */
  public synchronized int size() {
    return size;
  }

  /**
   * Adds a node: the next id, in the next zone round-robin, started with the founders' client ports
   * as seeds; it joins the cluster map and the balancer moves segments to it. Returns a sentence
   * saying what happened.
   *
   * @throws IllegalArgumentException if the cluster has {@value #MAX_SIZE} nodes already
   * @throws NodeStartException if its ports cannot be bound
   * @throws ConfigException if it cannot join (the message says why)
   */
  public synchronized String addNode() {
    if (size >= MAX_SIZE) {
      throw new IllegalArgumentException(
          "the local cluster has " + MAX_SIZE + " nodes, the most it can have");
    }
    int id = size + 1;
    configs[id] = ServerConfig.parse("local node " + id, configText(id));
    startNode(id);
    size = id;
    LOG.info("node {} added", id);
    return "node "
        + id
        + " ("
        + zone(id)
        + ") joined the cluster; segments move to it in the background (!segments, !nodes)";
  }

  @Override
  public void stopOnceRemoved(int id) {
    check(id);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
    Future<?>[] watch = new Future<?>[1];
    synchronized (this) {
      watch[0] =
          deferred.scheduleWithFixedDelay(
              () -> {
                if (System.nanoTime() > deadline) {
                  LOG.warn("node {} did not leave the cluster map within an hour", id);
                  watch[0].cancel(false);
                } else if (removedFromMap(id)) {
                  watch[0].cancel(false);
                  stopAndDelete(id);
                }
              },
              500,
              500,
              TimeUnit.MILLISECONDS);
    }
  }

  /** Whether a running node's cluster map no longer lists node {@code id}. */
  private synchronized boolean removedFromMap(int id) {
    for (int i = 1; i <= size; i++) {
      QuorumKvServer s = servers[i];
      if (s != null && i != id && s.cluster().map() != null) {
        return s.cluster().map().node(id) == null;
      }
    }
    return false;
  }

  /**
   * Stops node {@code id} (it left the cluster) and deletes its data, so it does not come back with
   * the local cluster. Runs on the deferred-stop thread, so it closes the node itself.
   */
  private void stopAndDelete(int id) {
    QuorumKvServer s;
    synchronized (this) {
      s = servers[id];
      servers[id] = null;
    }
    if (s != null) {
      s.close();
    }
    try {
      deleteRecursively(dataDir(id));
      LOG.info("node {} left the cluster: stopped, its data deleted", id);
    } catch (IOException e) {
      LOG.warn("removing node {}'s data failed: {}", id, e.toString());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The JDBC URL listing every node as a seed. */
  public synchronized String jdbcUrl() {
    List<String> seeds = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      seeds.add(host(i) + ":" + port(i, 200));
    }
    return "jdbc:quorumkv://" + String.join(",", seeds);
  }

  private synchronized void check(int id) {
    if (id < 1 || id > size) {
      throw new IllegalArgumentException(
          "no node " + id + ": the local cluster has nodes 1 to " + size);
    }
  }

  @Override
  public synchronized Optional<QuorumKvServer> running(int id) {
    return id < 1 || id > size ? Optional.empty() : Optional.ofNullable(servers[id]);
  }

  @Override
  public String sqlAddress(int id) {
    check(id);
    return host(id) + ":" + port(id, 200);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The node is closed a moment later on another thread, so that a node stopping itself can
   * still answer the statement that asked for it; its JDBC clients then fail over to another seed.
   */
  @Override
  public synchronized String stop(int id) {
    check(id);
    QuorumKvServer s = servers[id];
    if (s == null) {
      return "node " + id + " is already stopped";
    }
    servers[id] = null;
    stopping[id] = deferred.schedule(s::close, 100, TimeUnit.MILLISECONDS);
    LOG.info("stopping node {}", id);
    int up = 0;
    for (int i = 1; i <= size; i++) {
      up += servers[i] != null ? 1 : 0;
    }
    return "node " + id + " (" + zone(id) + ") stopped; " + up + " of " + size + " nodes running";
  }

  @Override
  public String start(int id) {
    check(id);
    synchronized (this) {
      if (servers[id] != null) {
        return "node " + id + " is already running";
      }
      startNode(id);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MILLIS);
    while (!connected(id) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // polling the peer connections; there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return "node " + id + " (" + zone(id) + ") started" + (connected(id) ? "" : ", reconnecting");
  }

  private void startNode(int id) {
    // A node closed by a deferred stop may still hold its ports and files: let it finish first.
    Future<?> stop = stopping[id];
    if (stop != null) {
      try {
        stop.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        LOG.warn("stopping node {} failed: {}", id, e.getCause().toString());
      }
      stopping[id] = null;
    }
    servers[id] = QuorumKvServer.start(configs[id], this);
  }

  private synchronized boolean connected(int id) {
    QuorumKvServer s = servers[id];
    if (s == null) {
      return false;
    }
    for (int j = 1; j <= size; j++) {
      if (j != id && servers[j] != null && !s.node().connectedTo(j)) {
        return false;
      }
    }
    // A node without the cluster map yet answers cluster procedures with 57P03: the shell opens
    // only once every node could answer them.
    return s.cluster().map() != null;
  }

  private void awaitConnected(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (int i = 1; i <= size; i++) {
      while (!connected(i)) {
        if (System.nanoTime() > deadline) {
          LOG.warn(
              "node {} is not connected to all peers or has no cluster map yet; continuing", i);
          return;
        }
        Thread.sleep(10); // polling the peer connections; there is no event to wait on
      }
    }
  }

  /** Stops every node; idempotent. */
  @Override
  public synchronized void close() {
    deferred.shutdown();
    try {
      if (!deferred.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("a node was still stopping at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = size; i >= 1; i--) {
      if (servers[i] != null) {
        servers[i].close();
        servers[i] = null;
      }
    }
  }

  /**
   * Runs the local cluster until SIGTERM/SIGINT: {@code LocalCluster [--data DIR] [--port-base B]
   * [--nodes N] [--shared-address] [--url-file FILE]}. When every node is up it writes the JDBC URL
   * to {@code FILE} (default {@code DIR/local.url}), which is how {@code bin/quorumkv local} knows
   * to open the shell. Exits with status 2 after logging a clear error if a port is in use or a
   * data directory is unusable.
   */
  public static void main(String[] args) throws InterruptedException, IOException {
    Path dir = Path.of("data");
    int portBase = DEFAULT_PORT_BASE;
    boolean shared = !loopbackAddressesUsable();
    Path urlFile = null;
    int size = DEFAULT_SIZE;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length;
      if (a.equals("--data") && hasValue) {
        dir = Path.of(args[++i]);
      } else if (a.equals("--port-base") && hasValue && args[i + 1].matches("[0-9]{1,5}")) {
        portBase = Integer.parseInt(args[++i]);
      } else if (a.equals("--nodes") && hasValue && args[i + 1].matches("[0-9]{1,3}")) {
        size = Integer.parseInt(args[++i]);
      } else if (a.equals("--url-file") && hasValue) {
        urlFile = Path.of(args[++i]);
      } else if (a.equals("--shared-address")) {
        shared = true;
      } else {
        LOG.error(
            "usage: LocalCluster [--data DIR] [--port-base N] [--nodes N] [--shared-address]"
                + " [--url-file F];"
                + " got '{}'",
            a);
        System.exit(2);
      }
    }
    if (urlFile == null) {
      urlFile = dir.resolve("local.url");
    }
    LocalCluster cluster;
    try {
      QuorumKvServer.checkDataDir(dir);
      cluster = start(dir, shared, portBase, size);
    } catch (NodeStartException e) {
      LOG.error(
          "cannot start the local cluster: {} (is another 'bin/quorumkv local' running? stop it, or"
              + " free the port)",
          e.getMessage());
      System.exit(2);
      return;
    } catch (ConfigException e) {
      LOG.error("cannot start the local cluster: {}", e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cluster.close();
                  stopped.countDown();
                },
                "qkv-local-shutdown"));
    String url = cluster.jdbcUrl();
    Path tmp = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
    Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, urlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("local cluster ready: {} (data in {})", url, dir.toAbsolutePath());
    stopped.await();
  }
}
