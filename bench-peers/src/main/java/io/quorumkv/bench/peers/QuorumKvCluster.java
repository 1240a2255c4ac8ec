package io.quorumkv.bench.peers;

import io.quorumkv.bench.cluster.NodeProcesses;
import io.quorumkv.replication.client.QuorumClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QuorumKV 3-node cluster of separate JVMs on 127.0.0.2-4 (the replication benchmark's {@link
 * NodeProcesses}: bitcask, durable state writes), with message merging on or off.
 */
final class QuorumKvCluster implements PeerSystem {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumKvCluster.class);

  /** The node JVMs' options, as in the replication benchmark. */
  static final List<String> NODE_JVM_OPTIONS = List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC");

  private final NodeProcesses nodes;
  private final QuorumClient statsClient;
  private boolean closed;

  private QuorumKvCluster(NodeProcesses nodes) {
    this.nodes = nodes;
    this.statsClient = nodes.client(Duration.ofSeconds(5));
  }

  /**
   * Starts the nodes and waits until each answers.
   *
   * @param merging the nodes' {@code peer.merging}
   * @throws IOException if a node cannot be started
   */
  static QuorumKvCluster start(Path dir, boolean merging) throws IOException, InterruptedException {
    return new QuorumKvCluster(NodeProcesses.start(dir, "bitcask", merging, NODE_JVM_OPTIONS));
  }

  /** The JDBC URL of the three nodes. */
  String jdbcUrl() {
    return nodes.jdbcUrl();
  }

  /** The native client ports as {@code host:port,...} (the quorumkv-native target's connect). */
  String nativeConnect() {
    return nodes.clientAddresses().stream()
        .map((InetSocketAddress a) -> a.getHostString() + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }

  @Override
  public List<Long> pids() {
    return nodes.pids();
  }

  /** The nodes' counters summed (peer.messages.sent, peer.frames.sent, ...). */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> sum = new TreeMap<>();
    try {
      for (Map<String, Long> node : nodes.stats(statsClient)) {
        node.forEach((k, v) -> sum.merge(k, v, Long::sum));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while reading node counters");
    } catch (Exception e) {
      LOG.warn("could not read node counters: {}", e.toString());
    }
    return sum;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    statsClient.close();
    try {
      nodes.close();
    } catch (IOException e) {
      LOG.warn("stopping the nodes: {}", e.toString());
    }
  }
}
