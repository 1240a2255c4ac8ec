package io.quorumkv.server;

import io.quorumkv.replication.node.NodeConfig;
import io.quorumkv.replication.paxos.PaxosConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's settings, read from a small properties file: {@code key = value} lines, {@code #}
 * comments, blank lines. Every key is known (a typo is an error with a suggestion, never silently
 * ignored), each key appears once, and every value is checked; errors name the file, the line and
 * the key.
 *
 * <pre>
 * node.id        = 1                       # required, >= 0
 * node.zone      = campus-a                # default "default"
 * listen.address = 127.0.0.2               # required; also the source address of peer connections
 * peer.port      = 7100                    # required
 * client.port    = 7200                    # optional; absent = no native clients
 * sql.port       = 7300                    # optional; absent = no SQL endpoint (JDBC, shell)
 * http.port      = 7500                    # /metrics, /health, /ready; default 7500, 0 = any free
 * peers          = 1=127.0.0.2:7100, 2=127.0.0.3:7100, 3=127.0.0.4:7100   # may include this node
 * cluster.seeds  = 127.0.0.2:7200, 127.0.0.3:7200  # instead of peers: join a running cluster
 * peer.zones     = 2=campus-b, 3=campus-c  # optional: the peers' zones, shown by cluster commands
 * data.dir       = /var/lib/quorumkv/node1 # required
 * engine.kind    = bitcask                 # memory | bitcask | lsm
 * engine.option.NAME = VALUE               # passed to the engine (unknown names are its error)
 * peer.merging   = true                    # false: one frame + flush per peer message (benchmarks)
 * cluster.segments = 64                    # power of two: segments of a new cluster's map
 * cluster.replication.factor = 3           # replicas per segment
 * cluster.balance = true                   # false: this node never drives segment moves
 * cluster.max-concurrent-moves = 2         # segments the leading node moves at once
 * rebalance.max-bytes-per-sec = 16777216   # settle rate per node while a segment moves; 0 = no limit
 * request.timeout.ms, max.frame.bytes, io.threads, random.seed,
 * paxos.attempt.timeout.ms, paxos.backoff.base.ms, paxos.backoff.max.ms, paxos.window.size
 * </pre>
 *
 * @param node the replication node's settings
 * @param dataDir where the engine keeps its files
 * @param engineKind the storage engine
 * @param engineOptions the engine's options
 * @param sqlPort the SQL endpoint's port on {@code listen.address} (0: any free port; -1: none)
 * @param httpPort the HTTP port ({@code /metrics}, {@code /health}, {@code /ready}) on {@code
 *     listen.address} (0: any free port; -1: none)
 * @param zones every node's zone that the file names (this node's and {@code peer.zones})
 * @param cluster the placement settings
 */
public record ServerConfig(
    NodeConfig node,
    Path dataDir,
    String engineKind,
    Map<String, String> engineOptions,
    int sqlPort,
    int httpPort,
    Map<Integer, String> zones,
    Cluster cluster) {

  /**
   * Placement settings.
   *
   * @param segments the segment count of a new cluster's map (a power of two)
   * @param replicationFactor replicas per segment
   * @param balance whether this node may drive segment moves
   * @param maxConcurrentMoves how many segments this node moves at once when it leads
   * @param rebalanceBytesPerSecond the settle rate per node during a move (0: unlimited)
   * @param seeds native client addresses of nodes of a running cluster this node joins (empty: it
   *     is one of the founders, configured with {@code peers})
   */
  public record Cluster(
      int segments,
      int replicationFactor,
      boolean balance,
      int maxConcurrentMoves,
      long rebalanceBytesPerSecond,
      List<InetSocketAddress> seeds) {
    /** The defaults: 64 segments, 3 replicas, balancing on, 2 moves at once, 16 MiB/s, no seeds. */
    public static final Cluster DEFAULTS = new Cluster(64, 3, true, 2, 16L << 20, List.of());

    /** Copies. */
    public Cluster {
      seeds = List.copyOf(seeds);
    }

    /** Whether this node joins a running cluster (through {@link #seeds}). */
    public boolean joins() {
      return !seeds.isEmpty();
    }
  }

  /** The keys a file may contain (besides {@code engine.option.*}). */
  static final List<String> KEYS =
      List.of(
          "node.id",
          "node.zone",
          "listen.address",
          "peer.port",
          "client.port",
          "peers",
          "peer.zones",
          "sql.port",
          "http.port",
          "data.dir",
          "engine.kind",
          "request.timeout.ms",
          "max.frame.bytes",
          "io.threads",
          "random.seed",
          "paxos.attempt.timeout.ms",
          "paxos.backoff.base.ms",
          "paxos.backoff.max.ms",
          "paxos.window.size",
          "peer.merging",
          "cluster.segments",
          "cluster.replication.factor",
          "cluster.balance",
          "cluster.max-concurrent-moves",
          "rebalance.max-bytes-per-sec",
          "cluster.seeds");

  /** The HTTP port of a node whose file does not set {@code http.port}. */
  public static final int DEFAULT_HTTP_PORT = 7500;

  private static final String ENGINE_OPTION = "engine.option.";

  /** Copies the options. */
  public ServerConfig {
    engineOptions = Map.copyOf(engineOptions);
    zones = Map.copyOf(zones);
  }

  /** A config without a SQL endpoint or HTTP port and with only this node's zone known. */
  public ServerConfig(
      NodeConfig node, Path dataDir, String engineKind, Map<String, String> engineOptions) {
    this(
        node,
        dataDir,
        engineKind,
        engineOptions,
        -1,
        -1,
        Map.of(node.nodeId(), node.zone()),
        Cluster.DEFAULTS);
  }

  /**
   * Reads and checks the file.
   *
   * @throws ConfigException naming the file, line and key of the first problem
   */
  public static ServerConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e, e);
    }
    return parse(file.toString(), text);
  }

  /** A value and the line it came from. */
  private record Entry(String value, int line) {}

  /**
   * Parses {@code text}; {@code source} names it in errors.
   *
   * @throws ConfigException naming the source, line and key of the first problem
   */
  public static ServerConfig parse(String source, String text) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            source + ":" + lineNo + ": expected 'key = value', got '" + lines[i].strip() + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!KEYS.contains(key)
          && !(key.startsWith(ENGINE_OPTION) && key.length() > ENGINE_OPTION.length())) {
        String hint = suggest(key);
        throw new ConfigException(
            source
                + ":"
                + lineNo
                + ": unknown key '"
                + key
                + "'"
                + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
      }
      Entry previous = entries.put(key, new Entry(value, lineNo));
      if (previous != null) {
        throw new ConfigException(
            source
                + ":"
                + lineNo
                + ": key '"
                + key
                + "' is already set on line "
                + previous.line());
      }
    }
    return new Parser(source, entries).build();
  }

  /** The closest known key within edit distance 3, or {@code null}. */
  static String suggest(String key) {
    String best = null;
    int bestDistance = 4;
    for (String k : KEYS) {
      int d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Turns checked entries into the config. */
  private static final class Parser {
    private final String source;
    private final Map<String, Entry> entries;

    Parser(String source, Map<String, Entry> entries) {
      this.source = source;
      this.entries = entries;
    }

    private ConfigException error(String key, String message) {
      Entry e = entries.get(key);
      String where = e == null ? source : source + ":" + e.line();
      return new ConfigException(where + ": " + key + ": " + message);
    }

    private String required(String key) {
      Entry e = entries.get(key);
      if (e == null || e.value().isEmpty()) {
        throw new ConfigException(source + ": missing required key '" + key + "'");
      }
      return e.value();
    }

    private long number(String key, long min, long max, long dflt) {
      Entry e = entries.get(key);
      if (e == null) {
        return dflt;
      }
      return number(key, e.value(), min, max);
    }

    private long number(String key, String text, long min, long max) {
      try {
        long v = Long.parseLong(text);
        if (v < min || v > max) {
          throw error(key, "expected a number in [" + min + ", " + max + "], got " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        throw error(key, "expected a number in [" + min + ", " + max + "], got '" + text + "'");
      }
    }

    private boolean bool(String key, boolean dflt) {
      Entry e = entries.get(key);
      if (e == null) {
        return dflt;
      }
      return switch (e.value()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error(key, "expected true or false, got '" + e.value() + "'");
      };
    }

    ServerConfig build() {
      int id = (int) number("node.id", required("node.id"), 0, Integer.MAX_VALUE);
      String zone = entries.containsKey("node.zone") ? required("node.zone") : "default";
      String host = required("listen.address");
      int peerPort = (int) number("peer.port", required("peer.port"), 1, 65535);
      int clientPort = (int) number("client.port", 1, 65535, -1);
      List<InetSocketAddress> seeds = seeds();
      Map<Integer, InetSocketAddress> peers;
      if (seeds.isEmpty()) {
        peers = peers(id, host, peerPort);
      } else if (entries.containsKey("peers")) {
        throw error(
            "cluster.seeds",
            "give either peers (a founding node) or cluster.seeds (a node joining a running"
                + " cluster), not both");
      } else {
        peers = Map.of(); // from the cluster map
      }
      Path dataDir = Path.of(required("data.dir"));
      String engine = required("engine.kind");
      if (!List.of("memory", "bitcask", "lsm").contains(engine)) {
        throw error("engine.kind", "expected memory, bitcask or lsm, got '" + engine + "'");
      }
      Map<String, String> options = new TreeMap<>();
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        if (e.getKey().startsWith(ENGINE_OPTION)) {
          options.put(e.getKey().substring(ENGINE_OPTION.length()), e.getValue().value());
        }
      }
      PaxosConfig d = PaxosConfig.DEFAULT;
      long attempt = number("paxos.attempt.timeout.ms", 1, 60_000, d.attemptTimeoutMillis());
      long base = number("paxos.backoff.base.ms", 1, 60_000, d.backoffBaseMillis());
      long max = number("paxos.backoff.max.ms", base, 60_000, d.backoffMaxMillis());
      int window = (int) number("paxos.window.size", 1, 1 << 16, d.windowSize());
      NodeConfig node =
          new NodeConfig(
              id,
              zone,
              host,
              peerPort,
              clientPort,
              peers,
              new PaxosConfig(attempt, base, max, window),
              (int)
                  number(
                      "max.frame.bytes",
                      1024,
                      Integer.MAX_VALUE,
                      NodeConfig.DEFAULT_MAX_FRAME_BYTES),
              (int) number("request.timeout.ms", 1, 60_000, 2000),
              // A fresh seed per start by default: the replica's read-query ids start at a point
              // drawn from it, and a restarted node must not reuse its previous run's ids, or a
              // late answer to an old query could answer a new one (see PAXOS.md).
              number("random.seed", Long.MIN_VALUE, Long.MAX_VALUE, new SecureRandom().nextLong()),
              (int) number("io.threads", 1, 64, 1),
              bool("peer.merging", true));
      int sqlPort = (int) number("sql.port", 0, 65535, -1);
      int httpPort = (int) number("http.port", 0, 65535, DEFAULT_HTTP_PORT);
      int segments = (int) number("cluster.segments", 1, 1 << 20, 64);
      if (Integer.bitCount(segments) != 1) {
        throw error("cluster.segments", "expected a power of two, got " + segments);
      }
      Cluster cluster =
          new Cluster(
              segments,
              (int) number("cluster.replication.factor", 1, 15, 3),
              bool("cluster.balance", true),
              (int) number("cluster.max-concurrent-moves", 1, 64, 2),
              number("rebalance.max-bytes-per-sec", 0, Long.MAX_VALUE, 16L << 20),
              seeds);
      return new ServerConfig(
          node, dataDir, engine, options, sqlPort, httpPort, zones(id, zone, peers), cluster);
    }

    private Map<Integer, String> zones(
        int self, String zone, Map<Integer, InetSocketAddress> peers) {
      Map<Integer, String> zones = new TreeMap<>();
      Entry e = entries.get("peer.zones");
      if (e != null && !e.value().isEmpty()) {
        for (String item : e.value().split(",")) {
          String s = item.strip();
          int eq = s.indexOf('=');
          if (eq <= 0 || eq == s.length() - 1) {
            throw error("peer.zones", "expected 'id=zone', got '" + s + "'");
          }
          int id = (int) number("peer.zones", s.substring(0, eq).strip(), 0, Integer.MAX_VALUE);
          if (id != self && !peers.containsKey(id)) {
            throw error("peer.zones", "node " + id + " is not in peers");
          }
          if (zones.put(id, s.substring(eq + 1).strip()) != null) {
            throw error("peer.zones", "node " + id + " is listed twice");
          }
        }
      }
      String listed = zones.put(self, zone);
      if (listed != null && !listed.equals(zone)) {
        throw error(
            "peer.zones",
            "this node (" + self + ") is listed in zone " + listed + " but node.zone is " + zone);
      }
      return zones;
    }

    private List<InetSocketAddress> seeds() {
      Entry e = entries.get("cluster.seeds");
      if (e == null) {
        return List.of();
      }
      List<InetSocketAddress> seeds = new ArrayList<>();
      for (String item : e.value().split(",")) {
        String s = item.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
          throw error(
              "cluster.seeds", "expected 'host:port' (a node's client port), got '" + s + "'");
        }
        int port = (int) number("cluster.seeds", s.substring(colon + 1).strip(), 1, 65535);
        seeds.add(new InetSocketAddress(s.substring(0, colon).strip(), port));
      }
      return seeds;
    }

    private Map<Integer, InetSocketAddress> peers(int self, String host, int peerPort) {
      String list = required("peers");
      Map<Integer, InetSocketAddress> peers = new HashMap<>();
      for (String item : list.split(",")) {
        String s = item.strip();
        int eq = s.indexOf('=');
        int colon = s.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == s.length() - 1) {
          throw error("peers", "expected 'id=host:port', got '" + s + "'");
        }
        int id = (int) number("peers", s.substring(0, eq).strip(), 0, Integer.MAX_VALUE);
        String peerHost = s.substring(eq + 1, colon).strip();
        int port = (int) number("peers", s.substring(colon + 1).strip(), 1, 65535);
        if (peers.containsKey(id) || (id == self && peers.containsKey(-1))) {
          throw error("peers", "node " + id + " is listed twice");
        }
        if (id == self) {
          if (!peerHost.equals(host) || port != peerPort) {
            throw error(
                "peers",
                "this node ("
                    + id
                    + ") is listed as "
                    + peerHost
                    + ":"
                    + port
                    + " but listens on "
                    + host
                    + ":"
                    + peerPort);
          }
          continue;
        }
        peers.put(id, new InetSocketAddress(peerHost, port));
      }
      if (peers.isEmpty()) {
        throw error("peers", "list at least one other node");
      }
      return peers;
    }
  }
}
