package io.quorumkv.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMapTest {
  static List<NodeInfo> nodes(int n) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      nodes.add(
          new NodeInfo(
              i, "zone-" + ((i - 1) % 3 + 1), "127.0.0." + (i + 1) + ":7100", NodeState.ACTIVE));
    }
    return nodes;
  }

  @Test
  void bootstrapPutsEverySegmentOnEveryNodeAtEpochZero() {
    ClusterMap m = ClusterMap.bootstrap(nodes(4), 8, 3);
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.segmentCount()).isEqualTo(8);
    assertThat(m.segments())
        .allSatisfy(
            g -> {
              assertThat(g.epoch()).isZero();
              assertThat(g.replicas()).containsExactly(1, 2, 3, 4);
              assertThat(g.moving()).isFalse();
            });
    assertThat(m.segmentCounts()).containsEntry(1, 8).containsEntry(4, 8);
  }

  @Test
  void aMoveIsAJointEpochThenTheNewGroupAtTheNextEpoch() {
    ClusterMap m = ClusterMap.bootstrap(nodes(4), 2, 3);
    ClusterMap joint = m.beginMove(1, List.of(3, 2, 1));
    assertThat(joint.version()).isEqualTo(2);
    assertThat(joint.segment(1).epoch()).isEqualTo(1);
    assertThat(joint.segment(1).replicas()).containsExactly(1, 2, 3, 4);
    assertThat(joint.segment(1).next()).containsExactly(1, 2, 3);
    assertThat(joint.movingSegment()).isEqualTo(1);
    assertThat(joint.segment(0)).isEqualTo(m.segment(0));
    ClusterMap done = joint.finishMove(1);
    assertThat(done.version()).isEqualTo(3);
    assertThat(done.segment(1).epoch()).isEqualTo(2);
    assertThat(done.segment(1).replicas()).containsExactly(1, 2, 3);
    assertThat(done.segment(1).moving()).isFalse();
  }

  @Test
  void splitCopiesEverySegmentToItsSibling() {
    ClusterMap m = ClusterMap.bootstrap(nodes(3), 2, 3).beginMove(1, List.of(1, 2)).finishMove(1);
    ClusterMap split = m.split();
    assertThat(split.segmentCount()).isEqualTo(4);
    assertThat(split.segment(2)).isEqualTo(m.segment(0));
    assertThat(split.segment(3)).isEqualTo(m.segment(1));
    assertThat(split.version()).isEqualTo(m.version() + 1);
  }

  @Test
  void impossibleChangesAreRefusedWithAReason() {
    ClusterMap m = ClusterMap.bootstrap(nodes(4), 2, 3);
    ClusterMap joint = m.beginMove(0, List.of(1, 2, 3));
    assertThatThrownBy(() -> joint.beginMove(0, List.of(2, 3, 4)))
        .hasMessageContaining("already moving");
    assertThatThrownBy(joint::split).hasMessageContaining("while segment 0 is moving");
    assertThatThrownBy(() -> m.finishMove(0)).hasMessageContaining("not moving");
    assertThatThrownBy(() -> m.beginMove(0, List.of(1, 2, 3, 4)))
        .hasMessageContaining("already on");
    assertThatThrownBy(() -> m.beginMove(0, List.of(1, 2, 9))).hasMessageContaining("node 9");
    assertThatThrownBy(() -> m.beginMove(0, List.of(1, 1, 2))).hasMessageContaining("distinct");
    assertThatThrownBy(() -> m.removeNode(4)).hasMessageContaining("still holds 2 segment(s)");
    assertThatThrownBy(() -> m.removeNode(7)).hasMessageContaining("no node 7");
    assertThatThrownBy(() -> m.addNode(nodes(1).get(0))).hasMessageContaining("already");
    ClusterMap leaving = m.markLeaving(4);
    assertThatThrownBy(() -> leaving.markLeaving(4)).hasMessageContaining("already leaving");
    assertThatThrownBy(() -> leaving.markLeaving(3))
        .hasMessageContaining("2 active node(s) would remain for 3 replicas");
    assertThatThrownBy(() -> leaving.beginMove(0, List.of(2, 3, 4)))
        .hasMessageContaining("not an active node");
    ClusterMap six = ClusterMap.bootstrap(nodes(6), 2, 3);
    ClusterMap fourLeft = six.markLeaving(6); // zone-3 keeps node 3
    assertThatThrownBy(() -> fourLeft.markLeaving(3))
        .hasMessageContaining("last active node of zone zone-3")
        .hasMessageContaining("would no longer span 3 zones");
    assertThatThrownBy(() -> ClusterMap.bootstrap(nodes(3), 6, 3))
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> six.markLeaving(2))
        .hasMessageContaining("hold the cluster's metadata");
    ClusterMap emptied = m.addNode(new NodeInfo(9, "zone-1", "h:9", NodeState.ACTIVE));
    assertThatThrownBy(() -> emptied.removeNode(1)).hasMessageContaining("metadata");
  }

  @Test
  void theMetadataGroupIsTheLowestFoundersForEver() {
    ClusterMap m = ClusterMap.bootstrap(nodes(5), 4, 3);
    assertThat(m.metaGroup()).containsExactly(1, 2, 3);
    ClusterMap grown = m.addNode(new NodeInfo(0, "zone-1", "h:0", NodeState.ACTIVE)).split();
    assertThat(grown.metaGroup()).containsExactly(1, 2, 3);
    assertThat(ClusterMap.bootstrap(nodes(2), 1, 3).metaGroup()).containsExactly(1, 2);
  }

  @Test
  void nodesJoinActiveAndLeaveOnceEmpty() {
    ClusterMap m = ClusterMap.bootstrap(nodes(3), 1, 3);
    ClusterMap joined = m.addNode(new NodeInfo(4, "zone-1", "h:1", NodeState.LEAVING));
    assertThat(joined.node(4).state()).isEqualTo(NodeState.ACTIVE);
    assertThat(joined.segmentCounts()).containsEntry(4, 0);
    ClusterMap moved =
        joined.markLeaving(4).updateNode(new NodeInfo(4, "zone-2", "h:2", NodeState.ACTIVE));
    assertThat(moved.node(4)).isEqualTo(new NodeInfo(4, "zone-2", "h:2", NodeState.LEAVING));
    assertThatThrownBy(() -> m.updateNode(new NodeInfo(8, "z", "h:8", NodeState.ACTIVE)))
        .hasMessageContaining("no node 8");
    ClusterMap gone = joined.removeNode(4);
    assertThat(gone.node(4)).isNull();
    assertThat(gone.version()).isEqualTo(3);
  }
}
