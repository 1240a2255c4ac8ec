package io.quorumkv.replication.node;

import io.quorumkv.replication.paxos.PaxosConfig;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link ReplicaNode} needs to run. All nodes of a cluster list the same peers; the static
 * replica group is every node id in {@link #peers} plus {@link #nodeId}.
 *
 * @param nodeId this node's id (non-negative)
 * @param zone the failure zone this node is in (informational for now; placement comes with
 *     sharding)
 * @param host the address this node listens on <em>and binds its outgoing peer connections to</em>,
 *     so that firewall rules between node addresses match all of its traffic
 * @param peerPort the port for peer connections (0: any free port, for tests)
 * @param clientPort the port for native clients (0: any free port; -1: serve no native clients)
 * @param peers every other node: id to its peer address
 * @param paxos the protocol tunables
 * @param maxFrameBytes the largest frame accepted on any connection
 * @param defaultTimeoutMillis the coordinator deadline of a request that names none
 * @param seed seeds the randomness given to the replica (backoff) and reconnect jitter
 * @param ioThreads the Netty event-loop threads for peer and client connections
 * @param merging whether messages to a peer are merged into one frame and one flush per event-loop
 *     turn (dynamic merging, the default); off sends one frame and one flush per message, for
 *     comparison in benchmarks
 */
public record NodeConfig(
    int nodeId,
    String zone,
    String host,
    int peerPort,
    int clientPort,
    Map<Integer, InetSocketAddress> peers,
    PaxosConfig paxos,
    int maxFrameBytes,
    int defaultTimeoutMillis,
    long seed,
    int ioThreads,
    boolean merging) {

  /** The default maximum frame size: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  /** Validates and copies. */
  public NodeConfig {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node id must be >= 0: " + nodeId);
    }
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(paxos, "paxos");
    if (peerPort < 0 || peerPort > 65535 || clientPort < -1 || clientPort > 65535) {
      throw new IllegalArgumentException("ports must be in [0, 65535] (client port: -1 for none)");
    }
    peers = Map.copyOf(new TreeMap<>(peers));
    if (peers.containsKey(nodeId)) {
      throw new IllegalArgumentException("peers must not contain this node's own id " + nodeId);
    }
    for (int id : peers.keySet()) {
      if (id < 0) {
        throw new IllegalArgumentException("peer ids must be >= 0: " + id);
      }
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("max frame size must be >= 1024 bytes");
    }
    if (defaultTimeoutMillis <= 0 || ioThreads <= 0) {
      throw new IllegalArgumentException("timeout and io threads must be positive");
    }
  }

  /** A config with dynamic merging on (the constructor before {@code merging} existed). */
  public NodeConfig(
      int nodeId,
      String zone,
      String host,
      int peerPort,
      int clientPort,
      Map<Integer, InetSocketAddress> peers,
      PaxosConfig paxos,
      int maxFrameBytes,
      int defaultTimeoutMillis,
      long seed,
      int ioThreads) {
    this(
        nodeId,
        zone,
        host,
        peerPort,
        clientPort,
        peers,
        paxos,
        maxFrameBytes,
        defaultTimeoutMillis,
        seed,
        ioThreads,
        true);
  }

  /**
   * A config with defaults for the tunables: {@link PaxosConfig#DEFAULT}, 16 MiB frames, 2 s
   * requests, one IO thread, seed derived from the node id.
   */
  public static NodeConfig of(
      int nodeId,
      String host,
      int peerPort,
      int clientPort,
      Map<Integer, InetSocketAddress> peers) {
    return new NodeConfig(
        nodeId,
        "default",
        host,
        peerPort,
        clientPort,
        peers,
        PaxosConfig.DEFAULT,
        DEFAULT_MAX_FRAME_BYTES,
        2000,
        0x5eed0000L + nodeId,
        1);
  }

  /** The same config with other peers (e.g. once ephemeral ports are known). */
  public NodeConfig withPeers(Map<Integer, InetSocketAddress> newPeers) {
    return new NodeConfig(
        nodeId,
        zone,
        host,
        peerPort,
        clientPort,
        newPeers,
        paxos,
        maxFrameBytes,
        defaultTimeoutMillis,
        seed,
        ioThreads,
        merging);
  }

  /** The same config with dynamic merging switched on or off. */
  public NodeConfig withMerging(boolean on) {
    return new NodeConfig(
        nodeId,
        zone,
        host,
        peerPort,
        clientPort,
        peers,
        paxos,
        maxFrameBytes,
        defaultTimeoutMillis,
        seed,
        ioThreads,
        on);
  }
}
