package io.quorumkv.placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster map: the nodes (with zone and peer address) and, for each of the {@code 2^k}
 * segments, its epoch and replica group, and the group it moves to while a move is in progress.
 * Immutable; every change returns a new map with {@code version + 1}. The map is stored in the
 * cluster itself ({@link ClusterMapCodec}) and changed only by compare-and-set on its stored
 * version, so the operations here only check that a change is possible, not who makes it.
 *
 * <p>A move is two changes: {@link #beginMove} (epoch + 1, the joint configuration of both groups)
 * and, once the old group settled the segment's keys, {@link #finishMove} (epoch + 1, the new group
 * alone); see replication/PAXOS.md, "Moving a key between groups".
 *
 * @param version the map's version, {@code >= 1} (0 is "no map yet")
 * @param replicationFactor how many replicas a segment should have
 * @param nodes every node, by ascending id
 * @param segments each segment's placement, indexed by segment
 * @param metaGroup the nodes that hold the metadata keys (the map itself), ascending: fixed when
 *     the cluster is founded, so every node, including one that joins later, finds the map on the
 *     same group; these nodes cannot be decommissioned
 */
public record ClusterMap(
    long version,
    int replicationFactor,
    List<NodeInfo> nodes,
    List<Segment> segments,
    List<Integer> metaGroup) {

  /** How many of the founding nodes (the lowest ids) hold the metadata keys. */
  public static final int META_GROUP_SIZE = 3;

  /** A node's membership state. */
  public enum NodeState {
    /** Holds and receives segments. */
    ACTIVE,
    /** Being decommissioned: its segments move away, it receives none. */
    LEAVING
  }

  /**
   * One node.
   *
   * @param id its id, {@code >= 0}
   * @param zone its failure zone
   * @param address its peer address ({@code host:port})
   * @param state whether it takes segments
   */
  public record NodeInfo(int id, String zone, String address, NodeState state) {
    /** Validates. */
    public NodeInfo {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(state, "state");
      if (id < 0) {
        throw new IllegalArgumentException("negative node id " + id);
      }
    }
  }

  /**
   * One segment's placement.
   *
   * @param epoch the epoch of its configuration; grows with each change of it
   * @param replicas its group, ascending ids
   * @param next the group it moves to (ascending ids), empty unless a move is in progress
   */
  public record Segment(long epoch, List<Integer> replicas, List<Integer> next) {
    /** Validates and copies. */
    public Segment {
      replicas = sortedDistinct(replicas, "replicas");
      next = next.isEmpty() ? List.of() : sortedDistinct(next, "next");
      if (epoch < 0) {
        throw new IllegalArgumentException("negative epoch " + epoch);
      }
      if (replicas.isEmpty()) {
        throw new IllegalArgumentException("a segment needs at least one replica");
      }
    }

    /** Whether a move is in progress. */
    public boolean moving() {
      return !next.isEmpty();
    }
  }

  /** Validates and copies. */
  public ClusterMap {
    nodes = List.copyOf(nodes);
    segments = List.copyOf(segments);
    metaGroup = sortedDistinct(metaGroup, "metaGroup");
    KeyHash.checkSegmentCount(segments.size());
    if (version < 1) {
      throw new IllegalArgumentException("map versions start at 1, not " + version);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be >= 1");
    }
    Set<Integer> ids = new HashSet<>();
    int last = -1;
    for (NodeInfo n : nodes) {
      if (n.id() <= last) {
        throw new IllegalArgumentException("nodes must have distinct ascending ids: " + nodes);
      }
      last = n.id();
      ids.add(n.id());
    }
    if (metaGroup.isEmpty()) {
      throw new IllegalArgumentException("no metadata group");
    }
    for (int m : metaGroup) {
      if (!ids.contains(m)) {
        throw new IllegalArgumentException("the metadata group names unknown node " + m);
      }
    }
    for (int s = 0; s < segments.size(); s++) {
      Segment g = segments.get(s);
      for (int r : g.replicas()) {
        requireKnown(ids, r, s);
      }
      for (int r : g.next()) {
        requireKnown(ids, r, s);
      }
    }
  }

  private static void requireKnown(Set<Integer> ids, int node, int segment) {
    if (!ids.contains(node)) {
      throw new IllegalArgumentException("segment " + segment + " names unknown node " + node);
    }
  }

  private static List<Integer> sortedDistinct(Collection<Integer> ids, String what) {
    List<Integer> l = new ArrayList<>(ids);
    l.sort(null);
    for (int i = 1; i < l.size(); i++) {
      if (l.get(i).equals(l.get(i - 1))) {
        throw new IllegalArgumentException(what + " must be distinct: " + ids);
      }
    }
    return List.copyOf(l);
  }

  /**
   * The first map of a cluster that ran without one: every segment at epoch 0 on every node, which
   * is exactly how a cluster without a map places keys (one group of all nodes), so adopting it
   * changes nothing; the balancer then moves each segment to a group of {@code replicationFactor}.
   * The {@value #META_GROUP_SIZE} lowest ids (all, if fewer) become the metadata group.
   */
  public static ClusterMap bootstrap(
      List<NodeInfo> nodes, int segmentCount, int replicationFactor) {
    KeyHash.checkSegmentCount(segmentCount);
    List<NodeInfo> sorted = new ArrayList<>(nodes);
    sorted.sort((a, b) -> Integer.compare(a.id(), b.id()));
    List<Integer> all = sorted.stream().map(NodeInfo::id).toList();
    List<Segment> segments = new ArrayList<>();
    for (int s = 0; s < segmentCount; s++) {
      segments.add(new Segment(0, all, List.of()));
    }
    return new ClusterMap(
        1, replicationFactor, sorted, segments, all.stream().limit(META_GROUP_SIZE).toList());
  }

  /** The number of segments. */
  public int segmentCount() {
    return segments.size();
  }

  /** Segment {@code s}. */
  public Segment segment(int s) {
    return segments.get(s);
  }

  /** Node {@code id}, or {@code null}. */
  public NodeInfo node(int id) {
    for (NodeInfo n : nodes) {
      if (n.id() == id) {
        return n;
      }
    }
    return null;
  }

  /** The ids of the nodes in state {@code state}, ascending. */
  public List<Integer> nodesIn(NodeState state) {
    return nodes.stream().filter(n -> n.state() == state).map(NodeInfo::id).toList();
  }

  /** How many segments each node is a replica of (moving segments count in both groups). */
  public Map<Integer, Integer> segmentCounts() {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (NodeInfo n : nodes) {
      counts.put(n.id(), 0);
    }
    for (Segment g : segments) {
      Set<Integer> members = new HashSet<>(g.replicas());
      members.addAll(g.next());
      for (int m : members) {
        counts.merge(m, 1, Integer::sum);
      }
    }
    return counts;
  }

  /** The zones of {@code group}'s members, in the group's order. */
  public List<String> zonesOf(List<Integer> group) {
    List<String> z = new ArrayList<>();
    for (int id : group) {
      z.add(node(id).zone());
    }
    return z;
  }

  /** The number of distinct zones of the active nodes. */
  public int activeZoneCount() {
    return (int)
        nodes.stream()
            .filter(n -> n.state() == NodeState.ACTIVE)
            .map(NodeInfo::zone)
            .distinct()
            .count();
  }

  /** The segments with a move in progress, ascending. */
  public List<Integer> movingSegments() {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < segments.size(); s++) {
      if (segments.get(s).moving()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The first segment with a move in progress, or -1. */
  public int movingSegment() {
    for (int s = 0; s < segments.size(); s++) {
      if (segments.get(s).moving()) {
        return s;
      }
    }
    return -1;
  }

  private ClusterMap withSegments(List<Segment> next) {
    return new ClusterMap(version + 1, replicationFactor, nodes, next, metaGroup);
  }

  private ClusterMap withNodes(List<NodeInfo> next) {
    return new ClusterMap(version + 1, replicationFactor, next, segments, metaGroup);
  }

  /**
   * Adds node {@code n} (state {@link NodeState#ACTIVE}) holding no segment yet.
   *
   * @throws IllegalArgumentException if its id is taken
   */
  public ClusterMap addNode(NodeInfo n) {
    if (node(n.id()) != null) {
      throw new IllegalArgumentException("node " + n.id() + " is already in the cluster");
    }
    List<NodeInfo> next = new ArrayList<>(nodes);
    next.add(new NodeInfo(n.id(), n.zone(), n.address(), NodeState.ACTIVE));
    next.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return withNodes(next);
  }

  /**
   * Node {@code n.id()} with {@code n}'s zone and address (its state is kept): a node restarted
   * with another zone or address in its configuration corrects the map. Moving a node to another
   * zone does not move segments by itself; the balancer then restores the zone spread.
   *
   * @throws IllegalArgumentException if the node is unknown
   */
  public ClusterMap updateNode(NodeInfo n) {
    NodeInfo old = node(n.id());
    if (old == null) {
      throw new IllegalArgumentException("no node " + n.id() + " in the cluster");
    }
    List<NodeInfo> next = new ArrayList<>();
    for (NodeInfo m : nodes) {
      next.add(m.id() == n.id() ? new NodeInfo(n.id(), n.zone(), n.address(), old.state()) : m);
    }
    return withNodes(next);
  }

  /**
   * Marks node {@code id} as leaving: the balancer moves its segments away.
   *
   * @throws IllegalArgumentException if it is unknown, if too few active nodes would remain to hold
   *     {@code replicationFactor} replicas of every segment, or if it is the last active node of a
   *     zone that groups need to survive a zone's loss, or if it holds the metadata keys
   */
  public ClusterMap markLeaving(int id) {
    NodeInfo n = node(id);
    if (n == null) {
      throw new IllegalArgumentException("no node " + id + " in the cluster");
    }
    if (n.state() == NodeState.LEAVING) {
      throw new IllegalArgumentException("node " + id + " is already leaving");
    }
    int activeAfter = nodesIn(NodeState.ACTIVE).size() - 1;
    if (activeAfter < replicationFactor) {
      throw new IllegalArgumentException(
          "cannot decommission node "
              + id
              + ": "
              + activeAfter
              + " active node(s) would remain for "
              + replicationFactor
              + " replicas of each segment");
    }
    List<NodeInfo> next = new ArrayList<>();
    for (NodeInfo m : nodes) {
      next.add(m.id() == id ? new NodeInfo(id, m.zone(), m.address(), NodeState.LEAVING) : m);
    }
    ClusterMap after = withNodes(next);
    int zonesNeeded = Math.min(replicationFactor, activeZoneCount());
    if (after.activeZoneCount() < zonesNeeded) {
      throw new IllegalArgumentException(
          "cannot decommission node "
              + id
              + ": it is the last active node of zone "
              + n.zone()
              + ", and groups of "
              + replicationFactor
              + " replicas would no longer span "
              + zonesNeeded
              + " zones (add a node to that zone first)");
    }
    if (metaGroup.contains(id)) {
      throw new IllegalArgumentException(
          "cannot decommission node "
              + id
              + ": it is one of the nodes "
              + metaGroup
              + " that hold the cluster's metadata (the cluster map itself), which do not move");
    }
    return after;
  }

  /**
   * Removes node {@code id} from the map.
   *
   * @throws IllegalArgumentException if it is unknown, still holds a segment or holds the metadata
   *     keys
   */
  public ClusterMap removeNode(int id) {
    if (node(id) == null) {
      throw new IllegalArgumentException("no node " + id + " in the cluster");
    }
    if (metaGroup.contains(id)) {
      throw new IllegalArgumentException(
          "node " + id + " holds the cluster's metadata and cannot be removed");
    }
    int held = segmentCounts().get(id);
    if (held > 0) {
      throw new IllegalArgumentException("node " + id + " still holds " + held + " segment(s)");
    }
    List<NodeInfo> next = new ArrayList<>(nodes);
    next.removeIf(n -> n.id() == id);
    return withNodes(next);
  }

  /**
   * Starts moving segment {@code s} to {@code target}: the joint configuration at epoch + 1.
   *
   * @throws IllegalArgumentException if the segment is already moving, the target is its group, or
   *     the target names an unknown or leaving node
   */
  public ClusterMap beginMove(int s, Collection<Integer> target) {
    Segment g = segments.get(s);
    if (g.moving()) {
      throw new IllegalArgumentException("segment " + s + " is already moving to " + g.next());
    }
    List<Integer> t = sortedDistinct(target, "target");
    if (t.isEmpty() || t.equals(g.replicas())) {
      throw new IllegalArgumentException("segment " + s + " is already on " + t);
    }
    for (int id : t) {
      NodeInfo n = node(id);
      if (n == null || n.state() != NodeState.ACTIVE) {
        throw new IllegalArgumentException(
            "cannot move segment " + s + " to node " + id + ": not an active node");
      }
    }
    List<Segment> next = new ArrayList<>(segments);
    next.set(s, new Segment(g.epoch() + 1, g.replicas(), t));
    return withSegments(next);
  }

  /**
   * Completes segment {@code s}'s move: its new group alone, at epoch + 1.
   *
   * @throws IllegalArgumentException if it is not moving
   */
  public ClusterMap finishMove(int s) {
    Segment g = segments.get(s);
    if (!g.moving()) {
      throw new IllegalArgumentException("segment " + s + " is not moving");
    }
    List<Segment> next = new ArrayList<>(segments);
    next.set(s, new Segment(g.epoch() + 1, g.next(), List.of()));
    return withSegments(next);
  }

  /**
   * Doubles the segment count: segment {@code s + 2^k} starts as a copy of segment {@code s} (its
   * group and its epoch), so no key changes group and nothing moves until the balancer moves
   * segments.
   *
   * @throws IllegalArgumentException during a move, or past the largest segment count
   */
  public ClusterMap split() {
    if (movingSegment() >= 0) {
      throw new IllegalArgumentException(
          "cannot split segments while segment " + movingSegment() + " is moving");
    }
    KeyHash.checkSegmentCount(segments.size() * 2);
    List<Segment> next = new ArrayList<>(segments);
    next.addAll(segments);
    return withSegments(next);
  }

  /** Per node, the segments it is a replica of (for status output). */
  public Map<Integer, List<Integer>> segmentsByNode() {
    Map<Integer, List<Integer>> out = new LinkedHashMap<>();
    for (NodeInfo n : nodes) {
      out.put(n.id(), new ArrayList<>());
    }
    for (int s = 0; s < segments.size(); s++) {
      for (int r : segments.get(s).replicas()) {
        out.get(r).add(s);
      }
    }
    return out;
  }
}
