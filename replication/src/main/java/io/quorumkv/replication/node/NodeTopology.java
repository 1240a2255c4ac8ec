package io.quorumkv.replication.node;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.GroupConfig;
import io.quorumkv.replication.paxos.ReplicaGroups;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The key placement one node has adopted: which segment a key is in and the replica configuration
 * ({@link GroupConfig}) of every segment, at one version of the cluster map. Immutable; the node
 * swaps whole snapshots on its replica thread (see {@link ReplicaNode#adopt}).
 *
 * @param version the cluster map version this snapshot is of; a node adopts only newer ones
 * @param segmentOf the segment of an encoded key, in {@code [0, configs.size())}
 * @param configs the configuration of each segment
 */
public record NodeTopology(long version, ToIntFunction<Bytes> segmentOf, List<GroupConfig> configs)
    implements ReplicaGroups {

  /** Validates and copies. */
  public NodeTopology {
    Objects.requireNonNull(segmentOf, "segmentOf");
    configs = List.copyOf(configs);
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("no segments");
    }
  }

  /** A static cluster: one group of every node holds every key, at epoch 0 (version 0). */
  public static NodeTopology single(List<Integer> group) {
    return new NodeTopology(0, key -> 0, List.of(GroupConfig.stable(0, group)));
  }

  /** The segment of {@code key}. */
  public int segment(Bytes key) {
    int s = segmentOf.applyAsInt(key);
    if (s < 0 || s >= configs.size()) {
      throw new IllegalStateException("segment " + s + " of " + configs.size());
    }
    return s;
  }

  @Override
  public GroupConfig configOf(Bytes key) {
    return configs.get(segment(key));
  }

  /** Every node that votes in some segment. */
  public Set<Integer> allMembers() {
    Set<Integer> all = new LinkedHashSet<>();
    for (GroupConfig c : configs) {
      all.addAll(c.members());
    }
    return all;
  }

  /** Whether {@code answered} holds a quorum of every segment's configuration. */
  public boolean quorumOfEverySegment(Set<Integer> answered) {
    for (GroupConfig c : configs) {
      if (!c.hasQuorum(answered)) {
        return false;
      }
    }
    return true;
  }
}
