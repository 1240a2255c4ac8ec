package io.quorumkv.server;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMapCodec.CorruptClusterMapException;
import io.quorumkv.planner.QueryException;
import io.quorumkv.replication.node.NodeConfig;
import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.replication.node.NodeTopology;
import io.quorumkv.replication.node.ReplicaNode;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.server.cluster.ClusterJoin;
import io.quorumkv.server.cluster.ClusterManager;
import io.quorumkv.server.http.HttpEndpoint;
import io.quorumkv.server.http.NodeMetrics;
import io.quorumkv.server.http.StatusPage;
import io.quorumkv.server.sql.ClusterView;
import io.quorumkv.server.sql.SqlServer;
import io.quorumkv.server.store.ReplicatedKeyValueStore;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import io.quorumkv.storage.StorageException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QuorumKV node process: opens the storage engine in the data directory, starts the replication
 * node (peer and native-client ports) and offers the store to the SQL layer as a {@link
 * ReplicatedKeyValueStore}; with {@code sql.port} set it also serves SQL (JDBC clients, the shell)
 * through a {@link SqlServer} over a {@link SqlEngine} on that store, including the cluster
 * procedures. {@link #main} runs it from a config file until SIGTERM/SIGINT.
 *
 * <p>Thread-safe; {@link #close} is idempotent and graceful: the SQL endpoint stops first (no new
 * statements; open JDBC connections are closed, so their drivers fail over), then the replication
 * node (requests still waiting are answered unknown or failed) and with it the storage engine.
 */
public final class QuorumKvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumKvServer.class);

  private final ServerConfig config;
  private final StorageEngine engine;
  private final ReplicaNode node;
  private final ReplicatedKeyValueStore store;
  private volatile SqlServer sql;
  private volatile HttpEndpoint http;
  private final NodeMetrics metrics;
  private volatile NodeClusterView view;
  private ClusterManager cluster;
  private final CountDownLatch closed = new CountDownLatch(1);

  private QuorumKvServer(
      ServerConfig config, StorageEngine engine, ReplicaNode node, Duration timeout) {
    this.config = config;
    this.engine = engine;
    this.node = node;
    this.metrics = new NodeMetrics(node::metrics, this::gauges);
    this.store = new ReplicatedKeyValueStore(node, timeout, metrics);
  }

  /**
   * Starts a node.
   *
   * @throws ConfigException if the data directory is unusable or the engine cannot open it
   * @throws NodeStartException if a port cannot be bound
   */
  public static QuorumKvServer start(ServerConfig config) {
    return start(config, null);
  }

  /**
   * Starts a node of a {@link LocalCluster}, which serves {@code QUORUMKV_STOP_NODE}/{@code
   * START_NODE} through {@code local} ({@code null}: a node on its own).
   */
  static QuorumKvServer start(ServerConfig config, LocalNodes local) {
    // The node's own threads carry its id in their names; the starting thread does too while it
    // starts the node, so every log line of a node (the format shows the thread) names it, also
    // when a local cluster starts several in one process.
    Thread self = Thread.currentThread();
    String name = self.getName();
    self.setName(name + "/node-" + config.node().nodeId());
    try {
      return startNamed(config, local);
    } finally {
      self.setName(name);
    }
  }

  private static QuorumKvServer startNamed(ServerConfig config, LocalNodes local) {
    checkDataDir(config.dataDir());
    StorageEngine engine;
    try {
      engine =
          StorageEngineProvider.open(config.engineKind(), config.dataDir(), config.engineOptions());
    } catch (StorageException | IllegalArgumentException e) {
      throw new ConfigException(
          "cannot open the "
              + config.engineKind()
              + " engine in data.dir "
              + config.dataDir()
              + ": "
              + e.getMessage()
              + (e.getCause() == null ? "" : " (" + e.getCause() + ")"),
          e);
    }
    // A joining node knows no founders: it must never create a map of its own.
    List<NodeInfo> founders = config.cluster().joins() ? List.of() : founders(config);
    ReplicaNode node;
    ClusterMap stored;
    try {
      stored = ClusterManager.decodeStored(ReplicaNode.storedClusterMap(engine));
      NodeConfig nodeConfig = config.node();
      if (stored == null && config.cluster().joins()) {
        stored = join(config);
      }
      if (stored != null) {
        nodeConfig = nodeConfig.withPeers(peersOf(stored, nodeConfig));
      }
      NodeTopology topology = stored == null ? null : ClusterManager.topology(stored);
      // owns the engine from here on
      node = ReplicaNode.start(nodeConfig, engine, () -> System.nanoTime() / 1_000_000, topology);
    } catch (CorruptClusterMapException e) {
      engine.close();
      throw new ConfigException(
          "the cluster map stored in data.dir "
              + config.dataDir()
              + " is unreadable ("
              + e.getMessage()
              + "); the node would not know which segments it holds",
          e);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    node.setRebalanceBytesPerSecond(config.cluster().rebalanceBytesPerSecond());
    Duration timeout = Duration.ofMillis(config.node().defaultTimeoutMillis());
    QuorumKvServer server = new QuorumKvServer(config, engine, node, timeout);
    server.cluster =
        new ClusterManager(
            node,
            self(config),
            founders,
            config.cluster().segments(),
            config.cluster().replicationFactor(),
            config.cluster().balance(),
            config.cluster().maxConcurrentMoves(),
            stored,
            timeout.toMillis());
    server.cluster.start();
    server.view = new NodeClusterView(server, local);
    if (config.sqlPort() >= 0) {
      InetSocketAddress address = new InetSocketAddress(config.node().host(), config.sqlPort());
      try {
        server.sql =
            SqlServer.start(
                address,
                new SqlEngine(server.store),
                server.view,
                node.eventLoop(),
                "qkv-sql-" + config.node().nodeId() + "-");
      } catch (BindException e) {
        server.close();
        throw new NodeStartException(
            "cannot listen on "
                + config.node().host()
                + ":"
                + config.sqlPort()
                + " (sql port): "
                + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
            e);
      }
      LOG.info("node {}: SQL clients on {}", config.node().nodeId(), server.sql.address());
    }
    if (config.httpPort() >= 0) {
      InetSocketAddress address = new InetSocketAddress(config.node().host(), config.httpPort());
      try {
        server.http =
            HttpEndpoint.start(
                address,
                String.valueOf(config.node().nodeId()),
                server.metrics.registry(),
                server::notReadyReason,
                server::statusPage);
      } catch (IOException e) {
        server.close();
        throw new NodeStartException(
            "cannot listen on "
                + config.node().host()
                + ":"
                + config.httpPort()
                + " (http port): "
                + e.getMessage(),
            e);
      }
      LOG.info(
          "node {}: /metrics, /health, /ready on http://{}:{}",
          config.node().nodeId(),
          server.http.address().getHostString(),
          server.http.address().getPort());
    }
    return server;
  }

  /**
   * Joins the cluster of {@code config}'s seeds: the map that holds this node.
   *
   * @throws ConfigException if it cannot (no seed answers, the id is taken, ...)
   */
  private static ClusterMap join(ServerConfig config) {
    NodeConfig n = config.node();
    try {
      return ClusterJoin.join(
          config.cluster().seeds(), self(config), Duration.ofMillis(n.defaultTimeoutMillis()));
    } catch (ClusterJoin.JoinException e) {
      throw new ConfigException("node " + n.nodeId() + " cannot join: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("node " + n.nodeId() + " was interrupted while joining", e);
    }
  }

  /**
   * The peers of a node with {@code map}: the map's nodes (with their addresses there) and those of
   * its own configuration that the map does not name.
   */
  private static Map<Integer, InetSocketAddress> peersOf(ClusterMap map, NodeConfig n) {
    Map<Integer, InetSocketAddress> peers = new TreeMap<>(n.peers());
    for (NodeInfo i : map.nodes()) {
      if (i.id() != n.nodeId()) {
        peers.put(i.id(), ClusterManager.peerAddress(i.address()));
      }
    }
    return peers;
  }

  /** This node as {@code config} describes it. */
  private static NodeInfo self(ServerConfig config) {
    NodeConfig n = config.node();
    return new NodeInfo(
        n.nodeId(), n.zone(), n.host() + ":" + n.peerPort(), ClusterMap.NodeState.ACTIVE);
  }

  /** The nodes of {@code config} (this one and its peers) with their zones and peer addresses. */
  static List<NodeInfo> founders(ServerConfig config) {
    Map<Integer, String> zones = config.zones();
    List<NodeInfo> out = new ArrayList<>();
    NodeConfig n = config.node();
    out.add(
        new NodeInfo(
            n.nodeId(), n.zone(), n.host() + ":" + n.peerPort(), ClusterMap.NodeState.ACTIVE));
    for (Map.Entry<Integer, InetSocketAddress> p : n.peers().entrySet()) {
      if (p.getKey() == n.nodeId()) {
        continue;
      }
      InetSocketAddress a = p.getValue();
      out.add(
          new NodeInfo(
              p.getKey(),
              zones.getOrDefault(p.getKey(), "default"),
              a.getHostString() + ":" + a.getPort(),
              ClusterMap.NodeState.ACTIVE));
    }
    out.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return out;
  }

  /** Checks (and creates) the data directory, with an error saying what is wrong with it. */
  static void checkDataDir(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException("data.dir " + dir + " exists but is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException("data.dir " + dir + " cannot be created: " + e, e);
    }
    if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
      throw new ConfigException(
          "data.dir " + dir + " is not readable, writable and searchable by this process");
    }
  }

  /**
   * Why this node cannot serve now, in one line, or {@code null} when it can: it is open, its
   * replica has not failed, it has the cluster map, it reaches (counting itself) a majority of the
   * metadata group and of every replica group it belongs to, and its SQL endpoint (if configured)
   * is listening and the process's SQL warm-up has finished. Thread-safe; what {@code /ready}
   * answers.
   */
  public String notReadyReason() {
    if (closed.getCount() == 0) {
      return "node is shutting down";
    }
    if (node.isFailed()) {
      return "the replica has failed (see the node's log); restart the node";
    }
    ClusterManager c = cluster;
    ClusterMap map = c == null ? null : c.map();
    if (map == null) {
      return "no cluster map yet";
    }
    String missing = noMajority("metadata group", map.metaGroup());
    if (missing != null) {
      return missing;
    }
    Set<List<Integer>> groups = new HashSet<>();
    for (ClusterMap.Segment s : map.segments()) {
      if (s.replicas().contains(node.id()) && groups.add(s.replicas())) {
        missing = noMajority("replica group", s.replicas());
        if (missing != null) {
          return missing;
        }
      }
    }
    if (config.sqlPort() >= 0 && sql == null) {
      return "the SQL endpoint is not listening yet";
    }
    if (config.sqlPort() >= 0 && !SqlServer.warmedUp()) {
      return "the SQL layer is warming up";
    }
    return null;
  }

  /** A sentence if this node reaches (itself included) no majority of {@code group}. */
  private String noMajority(String what, List<Integer> group) {
    int reached = 0;
    for (int id : group) {
      if (id == node.id() || node.connectedTo(id)) {
        reached++;
      }
    }
    if (2 * reached > group.size()) {
      return null;
    }
    return "no quorum: reaches "
        + reached
        + " of the "
        + group.size()
        + " nodes of the "
        + what
        + " "
        + group;
  }

  /** The status page's HTML (see {@link StatusPage}). */
  private String statusPage() {
    List<StatusPage.Node> nodes = new ArrayList<>();
    String error = null;
    try {
      for (ClusterView.NodeStatus n : view.nodes()) {
        nodes.add(new StatusPage.Node(n.id(), n.zone(), n.status(), n.segments(), n.stateWrites()));
      }
    } catch (QueryException e) {
      error = "nodes unknown: " + e.getMessage();
    }
    return StatusPage.render(
        new StatusPage.Status(node.id(), notReadyReason(), nodes, error, gauges()),
        metrics.registry());
  }

  /** Levels read per scrape: connections and the segments this node holds or moves. */
  private Map<String, Long> gauges() {
    Map<String, Long> g = new LinkedHashMap<>();
    SqlServer s = sql;
    g.put("connections.sql.jdbc", s == null ? 0L : s.openConnections());
    g.put("connections.sql.tcp", s == null ? 0L : s.clientConnections());
    ClusterManager c = cluster;
    ClusterMap map = c == null ? null : c.map();
    long peers = 0;
    long held = 0;
    long moving = 0;
    if (map != null) {
      for (NodeInfo n : map.nodes()) {
        if (n.id() != node.id() && node.connectedTo(n.id())) {
          peers++;
        }
      }
      for (ClusterMap.Segment seg : map.segments()) {
        if (seg.replicas().contains(node.id())) {
          held++;
          if (seg.moving()) {
            moving++;
          }
        }
      }
    }
    g.put("connections.peer", peers);
    g.put("segments.held", held);
    g.put("segments.moving", moving);
    g.put("cluster.map.version", map == null ? 0L : map.version());
    return g;
  }

  /** The bound HTTP address ({@code /metrics}, ...), or {@code null} if this node serves none. */
  public InetSocketAddress httpAddress() {
    HttpEndpoint h = http;
    return h == null ? null : h.address();
  }

  /** The replication node. */
  public ReplicaNode node() {
    return node;
  }

  /** The node's settings. */
  public ServerConfig config() {
    return config;
  }

  /** The bound SQL endpoint address, or {@code null} if this node serves no SQL. */
  public InetSocketAddress sqlAddress() {
    SqlServer s = sql;
    return s == null ? null : s.address();
  }

  /**
   * The version of {@code key} this replica has durably learned as chosen (0: none), read from its
   * own storage; {@code null} once closed.
   */
  Long localVersion(byte[] key) {
    if (closed.getCount() == 0 || node.isFailed()) {
      return null;
    }
    try {
      byte[] state = engine.table(ReplicaNode.TABLE).get(key);
      return state == null ? 0L : KeyStateCodec.decode(state).version();
    } catch (StorageException e) {
      LOG.debug("node {}: local state of a key unreadable: {}", node.id(), e.getMessage());
      return null; // closed concurrently
    }
  }

  /** The node's view of the cluster map and its changes. */
  public ClusterManager cluster() {
    return cluster;
  }

  /** The store the SQL layer executes against (this node coordinates). */
  public ReplicatedKeyValueStore store() {
    return store;
  }

  /** Blocks until {@link #close} has run. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    HttpEndpoint h = http;
    if (h != null) {
      h.close();
    }
    SqlServer s = sql;
    if (s != null) {
      s.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    node.close();
    closed.countDown();
  }

  /**
   * Runs one node: {@code quorumkv-server CONFIG_FILE}. Exits with status 2 on a configuration or
   * startup error (the message names the file, line and key, or the port), after logging it.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      LOG.error("usage: quorumkv-server <config.properties>");
      System.exit(2);
    }
    QuorumKvServer server;
    try {
      server = start(ServerConfig.load(Path.of(args[0])));
    } catch (ConfigException | NodeStartException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "qkv-shutdown"));
    server.awaitClosed();
  }
}
