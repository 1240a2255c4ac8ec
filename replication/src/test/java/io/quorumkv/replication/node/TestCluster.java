package io.quorumkv.replication.node;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.PaxosConfig;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An in-JVM cluster of real nodes: node {@code i} (ids 1..n) listens on 127.0.0.{i+1} with real
 * sockets and keeps its state in a real engine under {@code dir/node-i}.
 */
final class TestCluster implements AutoCloseable {
  final String engineKind;
  final Path dir;
  final NodeConfig[] configs;
  final ReplicaNode[] nodes;

  TestCluster(int n, String engineKind, Path dir) {
    this.engineKind = engineKind;
    this.dir = dir;
    this.configs = new NodeConfig[n + 1];
    this.nodes = new ReplicaNode[n + 1];
    Map<Integer, InetSocketAddress> peerAddrs = new HashMap<>();
    int[] clientPorts = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      peerAddrs.put(i, new InetSocketAddress(host(i), freePort(host(i))));
      clientPorts[i] = freePort(host(i));
    }
    for (int i = 1; i <= n; i++) {
      Map<Integer, InetSocketAddress> peers = new HashMap<>(peerAddrs);
      peers.remove(i);
      configs[i] =
          new NodeConfig(
              i,
              "zone-" + i,
              host(i),
              peerAddrs.get(i).getPort(),
              clientPorts[i],
              peers,
              new PaxosConfig(100, 2, 64, 16),
              1 << 20,
              2000,
              1000 + i,
              1);
    }
  }

  static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TestCluster startAll() {
    for (int i = 1; i < nodes.length; i++) {
      start(i);
    }
    return this;
  }

  void start(int i) {
    start(i, UnaryOperator.identity());
  }

  /** Starts node {@code i} over its engine as wrapped by {@code wrap} (to inject slow disks). */
  void start(int i, UnaryOperator<StorageEngine> wrap) {
    StorageEngine engine =
        StorageEngineProvider.open(engineKind, dir.resolve("node-" + i), Map.of());
    nodes[i] = ReplicaNode.start(configs[i], wrap.apply(engine));
  }

  /** Starts node {@code i} with {@code topology} as the placement it adopted last. */
  void start(int i, NodeTopology topology) {
    StorageEngine engine =
        StorageEngineProvider.open(engineKind, dir.resolve("node-" + i), Map.of());
    nodes[i] = ReplicaNode.start(configs[i], engine, () -> System.nanoTime() / 1_000_000, topology);
  }

  void stop(int i) {
    nodes[i].close();
    nodes[i] = null;
  }

  /** Waits until every running node is connected to every other running node. */
  void awaitConnected() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int i = 1; i < nodes.length; i++) {
        for (int j = 1; j < nodes.length; j++) {
          if (i != j && nodes[i] != null && nodes[j] != null && !nodes[i].connectedTo(j)) {
            all = false;
          }
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("peers did not connect within 10 s");
  }

  QuorumClient client(long clientId) {
    QuorumClient.Builder b =
        QuorumClient.builder().clientId(clientId).timeout(Duration.ofMillis(1500)).attempts(3);
    for (int i = 1; i < configs.length; i++) {
      b.node(i, new InetSocketAddress(host(i), configs[i].clientPort()));
    }
    return b.build();
  }

  @Override
  public void close() {
    for (int i = 1; i < nodes.length; i++) {
      if (nodes[i] != null) {
        stop(i);
      }
    }
  }
}
