package io.quorumkv.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMapCodec.CorruptClusterMapException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ClusterMapCodecTest {
  /** A map reached from a random start by random moves, splits, joins and decommissions. */
  static ClusterMap randomMap(long seed) {
    Random rnd = new Random(seed);
    int n = 3 + rnd.nextInt(8);
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      nodes.add(
          new NodeInfo(
              i * 2, "zone-" + rnd.nextInt(4) + "-é", "10.0.0." + i + ":7100", NodeState.ACTIVE));
    }
    ClusterMap m = ClusterMap.bootstrap(nodes, 1 << rnd.nextInt(4), 3);
    for (int step = 0; step < 20; step++) {
      int r = rnd.nextInt(10);
      if (r == 0 && m.movingSegment() < 0 && m.segmentCount() < 64) {
        m = m.split();
      } else if (r == 1) {
        m = m.addNode(new NodeInfo(100 + step, "zone-x", "h:" + step, NodeState.ACTIVE));
      } else if (r == 2 && m.nodesIn(NodeState.ACTIVE).size() > 4) {
        try {
          List<Integer> active = m.nodesIn(NodeState.ACTIVE);
          m = m.markLeaving(active.get(rnd.nextInt(active.size())));
        } catch (IllegalArgumentException e) {
          // the last node of a zone, or a metadata node: refused, the map is unchanged
        }
      } else if (m.movingSegment() >= 0) {
        m = m.finishMove(m.movingSegment());
      } else {
        var move = Balancer.nextMove(m);
        if (move.isPresent()) {
          m = m.beginMove(move.get().segment(), move.get().target());
        }
      }
    }
    return m;
  }

  @Property(tries = 200)
  void everyMapRoundTrips(@ForAll long seed) {
    ClusterMap m = randomMap(seed);
    assertThat(ClusterMapCodec.decode(ClusterMapCodec.encode(m))).isEqualTo(m);
  }

  @Property(tries = 30)
  void everyTruncationAndEverySingleByteChangeIsRejected(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] good = ClusterMapCodec.encode(randomMap(seed));
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      assertThatThrownBy(() -> ClusterMapCodec.decode(cut))
          .isInstanceOf(CorruptClusterMapException.class);
    }
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) xor;
      assertThatThrownBy(() -> ClusterMapCodec.decode(bad))
          .isInstanceOf(CorruptClusterMapException.class);
    }
  }

  @Test
  void aFormatOneMapIsReadWithTheThreeLowestNodesAsItsMetadataGroup() {
    ClusterMap m = randomMap(42);
    byte[] two = ClusterMapCodec.encode(m);
    // format 1 is format 2 without the metadata group before the checksum
    int metaBytes = 1 + 4 * m.metaGroup().size();
    byte[] body = Arrays.copyOf(two, two.length - 4 - metaBytes);
    body[4] = 1;
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] one =
        ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    ClusterMap read = ClusterMapCodec.decode(one);
    assertThat(read.metaGroup())
        .isEqualTo(m.nodes().stream().map(NodeInfo::id).limit(3).toList())
        .isEqualTo(m.metaGroup());
    assertThat(read).isEqualTo(m);
  }

  @Test
  void garbageIsRejectedWithAReason() {
    assertThatThrownBy(() -> ClusterMapCodec.decode(new byte[3]))
        .isInstanceOf(CorruptClusterMapException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> ClusterMapCodec.decode(new byte[64]))
        .isInstanceOf(CorruptClusterMapException.class)
        .hasMessageContaining("checksum");
  }
}
