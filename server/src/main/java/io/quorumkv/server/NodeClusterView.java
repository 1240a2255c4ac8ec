package io.quorumkv.server;

import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.planner.QueryException;
import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.server.cluster.ClusterMapUnavailableException;
import io.quorumkv.server.sql.ClusterView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
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

  /** SQLState: the cluster map is not readable or writable now. */
  private static final String CANNOT_CONNECT_NOW = "57P03";

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

  /** Node {@code id}'s zone: the map's, else this node's config file's. */
  private String zone(int id) {
    ClusterMap m = server.cluster().map();
    ClusterMap.NodeInfo n = m == null ? null : m.node(id);
    return n != null ? n.zone() : server.config().zones().get(id);
  }

  @Override
  public List<NodeStatus> nodes() {
    ClusterMap m = server.cluster().map();
    // The nodes of this node's configuration and those of the map (nodes that joined later).
    Set<Integer> ids = new TreeSet<>(server.node().group());
    ids.addAll(server.node().peerIds());
    if (m != null) {
      m.nodes().forEach(n -> ids.add(n.id()));
    }
    Map<Integer, InetSocketAddress> peers = server.config().node().peers();
    List<NodeStatus> out = new ArrayList<>();
    for (int id : ids) {
      ClusterMap.NodeInfo listed = m == null ? null : m.node(id);
      String address;
      if (id == nodeId()) {
        InetSocketAddress a = server.node().peerAddress();
        address = a.getHostString() + ":" + a.getPort();
      } else if (listed != null) {
        address = listed.address();
      } else {
        InetSocketAddress a = peers.get(id);
        address = a == null ? "?" : a.getHostString() + ":" + a.getPort();
      }
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
      Integer segments = m == null ? null : m.segmentCounts().get(id);
      String status = status(id);
      if (m != null && listed == null) {
        status += " (decommissioned)";
      } else if (listed != null && listed.state() == ClusterMap.NodeState.LEAVING) {
        status += " (leaving)";
      }
      out.add(new NodeStatus(id, zone(id), address, status, sql, writes, segments));
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
    for (int id : server.node().topology().configOf(Bytes.wrap(key.clone())).members()) {
      Optional<QuorumKvServer> running =
          id == nodeId()
              ? Optional.of(server)
              : local == null ? Optional.empty() : local.running(id);
      Long version = running.map(r -> r.localVersion(key)).orElse(null);
      out.add(new ReplicaStatus(id, zone(id), status(id), version));
    }
    return new Replicas(out, chosen);
  }

  private ClusterMap requireMap() {
    ClusterMap m = server.cluster().map();
    if (m == null) {
      throw new QueryException(
          CANNOT_CONNECT_NOW,
          "node " + nodeId() + " has no cluster map yet (it needs a quorum of the metadata group)");
    }
    return m;
  }

  @Override
  public List<SegmentStatus> segments() {
    ClusterMap m = requireMap();
    List<QuorumKvServer> readable = new ArrayList<>();
    readable.add(server);
    if (local != null) {
      for (ClusterMap.NodeInfo n : m.nodes()) {
        local.running(n.id()).filter(r -> r != server).ifPresent(readable::add);
      }
    }
    Long[] keys = new Long[m.segmentCount()];
    for (QuorumKvServer r : readable) {
      long[] c;
      try {
        c = r.node().localKeyCounts().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (c.length != m.segmentCount()) {
        continue; // that node is on another map version
      }
      for (int s = 0; s < c.length; s++) {
        if (m.segment(s).replicas().contains(r.node().id())) {
          keys[s] = keys[s] == null ? c[s] : Math.max(keys[s], c[s]);
        }
      }
    }
    List<SegmentStatus> out = new ArrayList<>();
    for (int s = 0; s < m.segmentCount(); s++) {
      ClusterMap.Segment g = m.segment(s);
      String state =
          g.moving()
              ? "moving to " + String.join(",", g.next().stream().map(String::valueOf).toList())
              : "stable";
      out.add(
          new SegmentStatus(s, g.epoch(), g.replicas(), m.zonesOf(g.replicas()), state, keys[s]));
    }
    return out;
  }

  private ClusterMap change(UnaryOperator<ClusterMap> change, String what) {
    requireMap();
    try {
      return server.cluster().apply(change, what);
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    } catch (ClusterMapUnavailableException e) {
      throw new QueryException(
          CANNOT_CONNECT_NOW, "the cluster map cannot be changed now: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryException(CANNOT_CONNECT_NOW, "interrupted while changing the cluster map");
    }
  }

  @Override
  public String splitSegments() {
    int before = requireMap().segmentCount();
    ClusterMap m = change(ClusterMap::split, "split segments");
    return "segments split: "
        + before
        + " -> "
        + m.segmentCount()
        + " (map version "
        + m.version()
        + "); each child is on its parent's group until the balancer moves it";
  }

  @Override
  public String decommission(int id) {
    ClusterMap m = change(x -> x.markLeaving(id), "decommission node " + id);
    return "node "
        + id
        + " is leaving: its "
        + m.segmentCounts().get(id)
        + " segment(s) move away, then it leaves the map (map version "
        + m.version()
        + "); stop it once CALL QUORUMKV_NODES() shows it decommissioned";
  }

  @Override
  public String removeNode(int id) {
    LocalNodes l = local("removing a node");
    try {
      l.sqlAddress(id); // an id of the local cluster
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    }
    String leaving = decommission(id);
    try {
      l.stopOnceRemoved(id);
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    }
    return leaving.substring(0, leaving.indexOf("; stop it once"))
        + "; the local cluster stops it and deletes its data once it has left";
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

  @Override
  public String addNode() {
    try {
      return local("adding a node").addNode();
    } catch (IllegalArgumentException e) {
      throw new QueryException(INVALID_PARAMETER, e.getMessage());
    } catch (NodeStartException | ConfigException e) {
      throw new QueryException("58000", "the new node did not start: " + e.getMessage());
    }
  }
}
