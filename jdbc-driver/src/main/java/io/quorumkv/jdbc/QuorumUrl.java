package io.quorumkv.jdbc;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed connection URL, {@code jdbc:quorumkv://host1:port1,host2:port2[/schema][?options]}.
 * Hosts may be names, IPv4 addresses or bracketed IPv6 addresses; a missing port means {@value
 * #DEFAULT_PORT}. Options ({@code name=value} joined by {@code &}) and the {@link Properties} given
 * to {@code DriverManager.getConnection} are merged, the properties winning.
 *
 * @param seeds the nodes to connect to, in the URL's order
 * @param schema the schema named in the path, or null
 * @param options every option, by name
 */
public record QuorumUrl(List<InetSocketAddress> seeds, String schema, Map<String, String> options) {

  /** The URL prefix. */
  public static final String PREFIX = "jdbc:quorumkv://";

  /** The SQL port a seed without a port is assumed to listen on. */
  public static final int DEFAULT_PORT = 7400;

  /** Milliseconds to wait for a TCP connection to one seed. */
  public static final String CONNECT_TIMEOUT = "connectTimeout";

  /** Milliseconds to wait for the answer to one request; 0 waits forever. */
  public static final String REQUEST_TIMEOUT = "requestTimeout";

  /** {@code random} (default: spreads connections over the seeds) or {@code ordered}. */
  public static final String SEED_ORDER = "seedOrder";

  /**
   * {@code key} (default: a prepared statement on one key goes to the node its key values pick, so
   * every client sends a key's statements to one node, which coordinates the key's writes on Paxos'
   * fast path) or {@code none} (statements go wherever the connection is).
   */
  public static final String ROUTING = "routing";

  /** Rows fetched per round trip (default 100). */
  public static final String FETCH_SIZE = "fetchSize";

  /**
   * Entries of a prepared statement's batch sent per request (default {@value
   * #DEFAULT_BATCH_CHUNK}): when a request fails, the entries of the requests before it are known
   * to be applied, and only that request's entries may be of unknown outcome.
   */
  public static final String BATCH_CHUNK = "batchChunk";

  /** Entries per batch request when {@link #BATCH_CHUNK} is not given. */
  public static final int DEFAULT_BATCH_CHUNK = 100;

  /** The time zone TIMESTAMP values are shown in (default: the JVM's). */
  public static final String TIME_ZONE = "timeZone";

  /** Accepted and ignored until the server authenticates. */
  public static final String USER = "user";

  /** Accepted and ignored until the server authenticates. */
  public static final String PASSWORD = "password";

  static final Map<String, String> DEFAULTS =
      Map.of(
          CONNECT_TIMEOUT, "5000", REQUEST_TIMEOUT, "60000", SEED_ORDER, "random", ROUTING, "key");

  private static final List<String> KNOWN =
      List.of(
          CONNECT_TIMEOUT,
          REQUEST_TIMEOUT,
          SEED_ORDER,
          ROUTING,
          FETCH_SIZE,
          BATCH_CHUNK,
          TIME_ZONE,
          USER,
          PASSWORD);

  /** Copies the collections. */
  public QuorumUrl {
    seeds = List.copyOf(seeds);
    options = Map.copyOf(options);
  }

  /**
   * Parses {@code url} and merges {@code info}.
   *
   * @throws SQLException (SQLState 08001) naming what is wrong: no hosts, a bad port, an unknown
   *     option or a bad option value
   */
  public static QuorumUrl parse(String url, Properties info) throws SQLException {
    if (url == null || !url.startsWith(PREFIX)) {
      throw bad("a QuorumKV URL starts with " + PREFIX + ", got " + url);
    }
    String rest = url.substring(PREFIX.length());
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String schema = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      schema = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (schema.isEmpty()) {
        schema = null;
      }
    }
    List<InetSocketAddress> seeds = new ArrayList<>();
    for (String hostPort : rest.split(",", -1)) {
      seeds.add(parseSeed(hostPort.trim(), url));
    }
    Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw bad("option '" + pair + "' in " + url + " is not name=value");
        }
        options.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        options.put(name, info.getProperty(name));
      }
    }
    for (String name : options.keySet()) {
      if (!KNOWN.contains(name)) {
        throw bad("unknown option '" + name + "'; known options: " + KNOWN);
      }
    }
    QuorumUrl parsed = new QuorumUrl(seeds, schema, options);
    parsed.intOption(CONNECT_TIMEOUT);
    parsed.intOption(REQUEST_TIMEOUT);
    String order = options.get(SEED_ORDER).toLowerCase(Locale.ROOT);
    if (!order.equals("random") && !order.equals("ordered")) {
      throw bad(SEED_ORDER + " must be random or ordered, got " + order);
    }
    String routing = options.get(ROUTING).toLowerCase(Locale.ROOT);
    if (!routing.equals("key") && !routing.equals("none")) {
      throw bad(ROUTING + " must be key or none, got " + routing);
    }
    if (options.containsKey(FETCH_SIZE)) {
      parsed.intOption(FETCH_SIZE);
    }
    if (options.containsKey(BATCH_CHUNK) && parsed.intOption(BATCH_CHUNK) < 1) {
      throw bad(BATCH_CHUNK + " must be at least 1");
    }
    return parsed;
  }

  /** The option's value as a non-negative int. */
  public int intOption(String name) throws SQLException {
    String value = options.get(name);
    try {
      int v = Integer.parseInt(value.trim());
      if (v < 0) {
        throw bad(name + " must not be negative, got " + value);
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(name + " must be a number, got '" + value + "'");
    }
  }

  /** Entries of a batch sent per request. */
  public int batchChunk() {
    try {
      return options.containsKey(BATCH_CHUNK) ? intOption(BATCH_CHUNK) : DEFAULT_BATCH_CHUNK;
    } catch (SQLException e) {
      throw new IllegalStateException("validated when parsed", e);
    }
  }

  /** Whether statements on one key go to the node their key values pick. */
  public boolean routesByKey() {
    return options.get(ROUTING).equalsIgnoreCase("key");
  }

  /** Whether seeds are tried in URL order rather than from a random one. */
  public boolean orderedSeeds() {
    return options.get(SEED_ORDER).equalsIgnoreCase("ordered");
  }

  private static InetSocketAddress parseSeed(String hostPort, String url) throws SQLException {
    if (hostPort.isEmpty()) {
      throw bad("empty host in " + url);
    }
    String host;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw bad("unclosed '[' in host " + hostPort);
      }
      host = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      if (after.startsWith(":")) {
        port = after.substring(1);
      } else if (!after.isEmpty()) {
        throw bad("unexpected '" + after + "' after host " + host);
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? null : hostPort.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw bad("empty host in " + url);
    }
    int p = DEFAULT_PORT;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw bad("bad port '" + port + "' for host " + host);
      }
      if (p < 1 || p > 65535) {
        throw bad("port " + p + " of host " + host + " is out of range");
      }
    }
    return InetSocketAddress.createUnresolved(host, p);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static SQLException bad(String message) {
    return new SQLException("invalid QuorumKV URL: " + message, "08001");
  }
}
