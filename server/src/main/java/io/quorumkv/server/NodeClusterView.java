package io.quorumkv.server;

import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.planner.QueryException;
import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.server.sql.ClusterView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster procedures of one node's SQL endpoint: the nodes as this node sees them (peer
 * connections up or down), a key's replica group (the static group: every node) with the versions
 * that can be read from here, and stop/start, which only a node of a {@link LocalCluster} can do.
 *
 * <p>Thread-safe: it reads the node's state and delegates actions to {@link LocalNodes}.
 */
final class NodeClusterView implements ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(NodeClusterView.class);

  private static final String INVALID_PARAMETER = "22023";

  private final QuorumKvServer server;
  private final LocalNodes local;

  NodeClusterView(QuorumKvServer server, LocalNodes local) {
    this.server = server;
    this.local = local;
  }

  @Override
  public int nodeId() {
    return server.node().id();
  }

  private String status(int id) {
    if (local != null && local.running(id).isEmpty()) {
      return "stopped"; // this node too, while it answers its last requests
    }
    if (id == nodeId()) {
      return "up";
    }
    return server.node().connectedTo(id) ? "up" : "down";
  }

  private String zone(int id) {
    return server.config().zones().get(id);
  }

  @Override
  public List<NodeStatus> nodes() {
    Map<Integer, InetSocketAddress> peers = server.config().node().peers();
    List<NodeStatus> out = new ArrayList<>();
    for (int id : server.node().group()) {
      InetSocketAddress a = id == nodeId() ? server.node().peerAddress() : peers.get(id);
      String address = a.getHostString() + ":" + a.getPort();
      String sql = null;
      Long writes = null;
      Optional<QuorumKvServer> running =
          id == nodeId()
              ? Optional.of(server)
              : local == null ? Optional.empty() : local.running(id);
      if (running.isPresent()) {
        InetSocketAddress s = running.get().sqlAddress();
        sql = s == null ? null : s.getHostString() + ":" + s.getPort();
        writes = running.get().node().metrics().get("state.writes");
      } else if (local != null) {
        sql = local.sqlAddress(id);
      }
      out.add(new NodeStatus(id, zone(id), address, status(id), sql, writes));
    }
    return out;
  }

  @Override
  public Replicas replicas(byte[] key) {
    Long chosen;
    try {
      VersionedValue v =
          server
              .store()
              .get(key)
              .get(server.config().node().defaultTimeoutMillis() + 1000L, TimeUnit.MILLISECONDS);
      chosen = v == null ? null : v.version();
    } catch (ExecutionException | CompletionException | TimeoutException e) {
      LOG.debug("node {}: read for QUORUMKV_REPLICAS failed: {}", nodeId(), e.toString());
      chosen = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      chosen = null;
    }
    List<ReplicaStatus> out = new ArrayList<>();
    for (int id : server.node().group()) {
      Optional<QuorumKvServer> running =
          id == nodeId()
              ? Optional.of(server)
              : local == null ? Optional.empty() : local.running(id);
      Long version = running.map(r -> r.localVersion(key)).orElse(null);
      out.add(new ReplicaStatus(id, zone(id), status(id), version));
    }
    return new Replicas(out, chosen);
  }

  private LocalNodes local(String what) {
    if (local == null) {
      throw new QueryException(
          QueryException.FEATURE_NOT_SUPPORTED,
          what
              + " works only in the local cluster (bin/quorumkv local), whose process owns its"
              + " nodes; node "
              + nodeId()
              + " runs on its own: stop or start it with whatever runs it (e.g. its service"
              + " manager)");
    }
    return local;
  }

  @Override
  public String stopNode(int id) {
    try {
      return local("stopping a node").stop(id);
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    }
  }

  @Override
  public String startNode(int id) {
    try {
      return local("starting a node").start(id);
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    } catch (NodeStartException | ConfigException e) {
      throw new QueryException("58000", "node " + id + " did not start: " + e.getMessage());
    }
  }
}
