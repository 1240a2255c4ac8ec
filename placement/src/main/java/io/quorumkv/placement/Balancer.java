package io.quorumkv.placement;

import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMap.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the next segment move, one at a time (the caller runs it through {@link
 * ClusterMap#beginMove} and {@link ClusterMap#finishMove}, then asks again). Repeated, its moves
 * reach a map where
 *
 * <ol>
 *   <li>no segment has a replica on a leaving node,
 *   <li>every segment has {@code replicationFactor} replicas (or every active node, if fewer),
 *   <li>every group spans {@code min(replicationFactor, active zones)} distinct zones, and
 *   <li>the per-node segment counts of the active nodes differ by at most one.
 * </ol>
 *
 * <p>Repairs (1-3) come first; balancing moves exactly one replica of a group from the most to the
 * least loaded node, so each balancing move lowers the sum of squared loads and the sequence ends
 * (when zones block every such move, a neutral exchange within the most loaded node's zone comes
 * first, and the lowering move right after it). Deterministic: the same map gives the same move.
 */
public final class Balancer {
  private Balancer() {}

  /**
   * A move of one segment to a new group.
   *
   * @param segment the segment
   * @param target its new group, ascending ids
   */
  public record Move(int segment, List<Integer> target) {
    /** Copies. */
    public Move {
      target = List.copyOf(target);
    }
  }

  /**
   * Whether {@code map} is where the balancer's moves end: no move in progress, none left to make,
   * and every segment on {@code replicationFactor} nodes (or every active node, if fewer) spanning
   * {@code min(replicationFactor, active zones)} zones. What tools and tests wait for after a
   * change.
   */
  public static boolean settled(ClusterMap map) {
    if (map.movingSegment() >= 0 || nextMove(map).isPresent()) {
      return false;
    }
    int active = map.nodesIn(NodeState.ACTIVE).size();
    int rf = Math.min(map.replicationFactor(), active);
    int zones = Math.min(rf, map.activeZoneCount());
    for (Segment g : map.segments()) {
      if (g.replicas().size() != rf || new HashSet<>(map.zonesOf(g.replicas())).size() < zones) {
        return false;
      }
    }
    return true;
  }

  /**
   * Up to {@code max} moves to run at once with the moves in progress (fewer, or none, when as many
   * run already): the moves {@link #nextMove} would give one after another once the moves in
   * progress have finished, choosing among the segments that are not moving and not chosen already.
   * Each is of its own segment and is a move the balancer makes (a repair, a move that lowers the
   * sum of squared loads, or the neutral exchange before one), so the moves still end in a map with
   * the four goals; every move stays a one-replica change of its segment's group.
   *
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public static List<Move> nextMoves(ClusterMap map, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one move at a time, not " + max);
    }
    List<Integer> moving = map.movingSegments();
    ClusterMap future = map;
    for (int s : moving) {
      future = future.finishMove(s);
    }
    List<Move> moves = new ArrayList<>();
    Set<Integer> busy = new HashSet<>(moving);
    while (moving.size() + moves.size() < max) {
      Optional<Move> next = nextMove(future, busy);
      if (next.isEmpty()) {
        break;
      }
      Move m = next.get();
      busy.add(m.segment());
      moves.add(m);
      future = future.beginMove(m.segment(), m.target()).finishMove(m.segment());
    }
    return moves;
  }

  /** The next move, or empty if the map is balanced or a move is in progress. */
  public static Optional<Move> nextMove(ClusterMap map) {
    if (map.movingSegment() >= 0) {
      return Optional.empty();
    }
    return nextMove(map, Set.of());
  }

  /** The next move of a segment not in {@code busy}, of a map without moves in progress. */
  private static Optional<Move> nextMove(ClusterMap map, Set<Integer> busy) {
    List<Integer> active = map.nodesIn(NodeState.ACTIVE);
    if (active.isEmpty()) {
      return Optional.empty();
    }
    int rf = Math.min(map.replicationFactor(), active.size());
    int zones = Math.min(rf, map.activeZoneCount());
    Map<Integer, Integer> load = map.segmentCounts();
    for (int s = 0; s < map.segmentCount(); s++) {
      if (busy.contains(s)) {
        continue;
      }
      List<Integer> repaired = repair(map, map.segment(s).replicas(), rf, zones, load);
      if (!repaired.equals(map.segment(s).replicas())) {
        return Optional.of(new Move(s, repaired));
      }
    }
    return balance(map, active, zones, load, busy);
  }

  /**
   * A message for the log when zone survival is impossible ({@code null} when it is possible):
   * fewer distinct zones among the active nodes than replicas per segment.
   */
  public static String explainZones(ClusterMap map) {
    int zones = map.activeZoneCount();
    int rf = map.replicationFactor();
    if (zones >= rf) {
      return null;
    }
    return "the active nodes span "
        + zones
        + " zone(s) for "
        + rf
        + " replicas per segment: a group cannot survive the loss of a zone until nodes in "
        + (rf - zones)
        + " more zone(s) join";
  }

  /**
   * {@code group} with leaving nodes dropped, extra replicas removed (the most loaded, and those
   * sharing a zone, first) and missing ones added (the least loaded active node of an unused zone
   * first); unchanged if it already satisfies (1)-(3).
   */
  private static List<Integer> repair(
      ClusterMap map, List<Integer> group, int rf, int zones, Map<Integer, Integer> load) {
    List<Integer> g = new ArrayList<>();
    for (int id : group) {
      if (map.node(id).state() == NodeState.ACTIVE) {
        g.add(id);
      }
    }
    // Too many replicas, or two in one zone while zones are missing: drop the worst.
    while (g.size() > rf || (g.size() == rf && distinctZones(map, g) < zones)) {
      g.remove(worst(map, g, load));
    }
    while (g.size() < rf) {
      Integer add = best(map, g, load, true);
      if (add == null) {
        add = best(map, g, load, false);
      }
      if (add == null) {
        break;
      }
      g.add(add);
    }
    g.sort(null);
    return g;
  }

  private static int distinctZones(ClusterMap map, List<Integer> g) {
    return new HashSet<>(map.zonesOf(g)).size();
  }

  /** The member to drop: one sharing its zone with another member, else the most loaded. */
  private static Integer worst(ClusterMap map, List<Integer> g, Map<Integer, Integer> load) {
    Comparator<Integer> order =
        Comparator.<Integer>comparingInt(id -> sharesZone(map, g, id) ? 1 : 0)
            .thenComparingInt(load::get)
            .thenComparingInt(id -> id);
    return g.stream().max(order).orElseThrow();
  }

  private static boolean sharesZone(ClusterMap map, List<Integer> g, int id) {
    String zone = map.node(id).zone();
    for (int other : g) {
      if (other != id && map.node(other).zone().equals(zone)) {
        return true;
      }
    }
    return false;
  }

  /** The least loaded active non-member, of a zone the group lacks if {@code newZone}. */
  private static Integer best(
      ClusterMap map, List<Integer> g, Map<Integer, Integer> load, boolean newZone) {
    Set<String> used = new HashSet<>(map.zonesOf(g));
    Integer pick = null;
    for (int id : map.nodesIn(NodeState.ACTIVE)) {
      if (g.contains(id) || (newZone && used.contains(map.node(id).zone()))) {
        continue;
      }
      if (pick == null || load.get(id) < load.get(pick)) {
        pick = id;
      }
    }
    return pick;
  }

  /**
   * Moves one replica from a most loaded to a least loaded active node when their counts differ by
   * more than one, keeping the group's zone spread.
   */
  private static Optional<Move> balance(
      ClusterMap map,
      List<Integer> active,
      int zones,
      Map<Integer, Integer> load,
      Set<Integer> busy) {
    List<Integer> byLoad = new ArrayList<>(active);
    byLoad.sort(Comparator.<Integer>comparingInt(load::get).thenComparingInt(id -> id));
    for (int hi = byLoad.size() - 1; hi > 0; hi--) {
      int from = byLoad.get(hi);
      for (int lo = 0; lo < hi; lo++) {
        int to = byLoad.get(lo);
        if (load.get(from) - load.get(to) <= 1) {
          break;
        }
        Optional<Move> m = replace(map, zones, from, to, busy);
        if (m.isPresent()) {
          return m;
        }
      }
    }
    // No direct move: the zones, not the nodes, are out of balance (every group of the most
    // loaded node would lose a zone). Exchange loads between a node X of its zone, one less
    // loaded, and a least loaded node of another zone (a neutral move); the next call then finds
    // the direct move from the most loaded node to X, within its zone. So every two moves lower
    // the sum of squared loads, and the sequence still ends.
    int from = byLoad.get(byLoad.size() - 1);
    String zone = map.node(from).zone();
    for (int to : byLoad) {
      if (load.get(from) - load.get(to) <= 1) {
        break;
      }
      for (int x : byLoad) {
        if (x != from
            && map.node(x).zone().equals(zone)
            && load.get(x) == load.get(to) + 1
            && holdsWithout(map, from, x)) {
          Optional<Move> m = replace(map, zones, x, to, busy);
          if (m.isPresent()) {
            return m;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The first segment move that puts {@code to} in place of {@code from} keeping zone spread. */
  private static Optional<Move> replace(
      ClusterMap map, int zones, int from, int to, Set<Integer> busy) {
    for (int s = 0; s < map.segmentCount(); s++) {
      List<Integer> g = map.segment(s).replicas();
      if (busy.contains(s) || !g.contains(from) || g.contains(to)) {
        continue;
      }
      List<Integer> t = new ArrayList<>(g);
      t.set(t.indexOf(from), to);
      if (distinctZones(map, t) >= Math.min(zones, t.size())) {
        t.sort(null);
        return Optional.of(new Move(s, t));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code a} is a replica of some segment {@code b} is not a replica of. */
  private static boolean holdsWithout(ClusterMap map, int a, int b) {
    for (Segment g : map.segments()) {
      if (g.replicas().contains(a) && !g.replicas().contains(b)) {
        return true;
      }
    }
    return false;
  }
}
