package io.quorumkv.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMap.Segment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * From random clusters, through joins and decommissions, repeated balancer moves end, each within a
 * bound, in a map that satisfies the balancer's four goals.
 */
class BalancerProperties {

  private static List<NodeInfo> nodes(int first, int n, int zones) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      nodes.add(new NodeInfo(i, "z" + (i % zones), "h:" + i, NodeState.ACTIVE));
    }
    return nodes;
  }

  /** Runs moves to the end, one at a time; returns how many. */
  private static int settle(ClusterMap[] map, int bound) {
    return settle(map, bound, 1, new Random(0));
  }

  /**
   * Runs moves to the end, up to {@code concurrent} at once ({@link Balancer#nextMoves}), finishing
   * a random non-empty subset of those in progress each round; returns how many.
   */
  private static int settle(ClusterMap[] map, int bound, int concurrent, Random rnd) {
    int moves = 0;
    while (true) {
      for (Balancer.Move m : Balancer.nextMoves(map[0], concurrent)) {
        assertThat(++moves).as("moves before the balancer settles").isLessThanOrEqualTo(bound);
        map[0] = map[0].beginMove(m.segment(), m.target());
      }
      List<Integer> moving = map[0].movingSegments();
      if (moving.isEmpty()) {
        assertThat(Balancer.nextMove(map[0])).isEmpty();
        return moves;
      }
      assertThat(moving.size()).as("moves at once").isLessThanOrEqualTo(concurrent);
      assertThat(Balancer.nextMove(map[0])).as("nextMove waits for the moves").isEmpty();
      List<Integer> finish = new ArrayList<>(moving);
      Collections.shuffle(finish, rnd);
      for (int s : finish.subList(0, 1 + rnd.nextInt(finish.size()))) {
        map[0] = map[0].finishMove(s);
      }
    }
  }

  private static void assertGoals(ClusterMap m, boolean evenZones) {
    assertThat(Balancer.settled(m)).as("settled: %s", m).isTrue();
    List<Integer> active = m.nodesIn(NodeState.ACTIVE);
    int rf = Math.min(m.replicationFactor(), active.size());
    int zones = Math.min(rf, m.activeZoneCount());
    for (Segment g : m.segments()) {
      assertThat(active).containsAll(g.replicas());
      assertThat(g.replicas()).hasSize(rf);
      assertThat(new HashSet<>(m.zonesOf(g.replicas()))).hasSizeGreaterThanOrEqualTo(zones);
    }
    if (evenZones) {
      Map<Integer, Integer> load = m.segmentCounts();
      int max = active.stream().mapToInt(load::get).max().orElseThrow();
      int min = active.stream().mapToInt(load::get).min().orElseThrow();
      assertThat(max - min).as("per-node segment counts %s", load).isLessThanOrEqualTo(1);
    }
  }

  @Property(tries = 100)
  void movesEndInABalancedZoneSpreadPlacement(
      @ForAll @IntRange(min = 1, max = 10) int perZone,
      @ForAll @IntRange(min = 1, max = 5) int zones,
      @ForAll @IntRange(min = 3, max = 8) int log2Segments,
      @ForAll @IntRange(min = 0, max = 6) int joiners,
      @ForAll @IntRange(min = 0, max = 3) int leavers,
      @ForAll @IntRange(min = 1, max = 6) int concurrent,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    int n = Math.max(3, perZone * zones);
    // Zones of equal size (n a multiple of zones) can always be balanced to within one.
    boolean even = n % zones == 0;
    int segments = 1 << log2Segments;
    ClusterMap[] map = {ClusterMap.bootstrap(nodes(1, n, zones), segments, 3)};
    assertThat(Balancer.settled(map[0])).isEqualTo(n == 3);
    int bound = segments * (n + 3) * 3;
    settle(map, bound, concurrent, rnd);
    assertGoals(map[0], even);
    assertThat(Balancer.nextMove(map[0])).isEmpty();

    for (NodeInfo j : nodes(1000, joiners * zones, zones)) {
      map[0] = map[0].addNode(j);
    }
    settle(map, bound, concurrent, rnd);
    assertGoals(map[0], even);

    for (int i = 0; i < leavers; i++) {
      List<Integer> active = map[0].nodesIn(NodeState.ACTIVE);
      if (active.size() - zones < 3) {
        break;
      }
      for (int z = 0; z < zones; z++) {
        int id = active.get(active.size() - 1 - z); // the newest: founders 1-3 hold the metadata
        map[0] = map[0].markLeaving(id); // one of each zone, so zones stay even
      }
      assertThat(map[0].activeZoneCount()).isEqualTo(zones);
      settle(map, bound, concurrent, rnd);
      for (int id : map[0].nodesIn(NodeState.LEAVING)) {
        assertThat(map[0].segmentCounts().get(id)).isZero();
        map[0] = map[0].removeNode(id);
      }
      assertGoals(map[0], even && active.size() % zones == 0);
    }
  }

  @Test
  void severalSegmentsMoveAtOnceWhenNodesJoin() {
    ClusterMap m = ClusterMap.bootstrap(nodes(1, 3, 3), 8, 3);
    for (NodeInfo j : nodes(4, 3, 3)) {
      m = m.addNode(j);
    }
    List<Balancer.Move> moves = Balancer.nextMoves(m, 4);
    assertThat(moves).hasSize(4);
    assertThat(moves.stream().map(Balancer.Move::segment).distinct()).hasSize(4);
    assertThat(moves.get(0)).isEqualTo(Balancer.nextMove(m).orElseThrow());
    for (Balancer.Move mv : moves) {
      m = m.beginMove(mv.segment(), mv.target());
    }
    assertThat(Balancer.nextMoves(m, 4)).isEmpty();
    assertThat(Balancer.nextMoves(m.finishMove(moves.get(0).segment()), 4)).hasSize(1);
  }

  @Test
  void aBalancedMapYieldsNoMoveAndFewZonesAreExplained() {
    ClusterMap[] map = {ClusterMap.bootstrap(nodes(1, 3, 3), 64, 3)};
    settle(map, 10);
    assertThat(map[0].version()).isEqualTo(1); // three nodes in three zones: nothing to do
    assertThat(Balancer.explainZones(map[0])).isNull();
    ClusterMap two = ClusterMap.bootstrap(nodes(1, 4, 2), 8, 3);
    assertThat(Balancer.explainZones(two)).contains("2 zone(s) for 3 replicas");
  }
}
