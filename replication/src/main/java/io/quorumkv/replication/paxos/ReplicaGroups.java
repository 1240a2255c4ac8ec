package io.quorumkv.replication.paxos;

import java.util.List;

/**
 * Maps a key to the nodes that replicate it. Pluggable so sharding can replace the static group
 * later. Implementations must be pure and return the same group for a key on every node.
 */
@FunctionalInterface
public interface ReplicaGroups {
  /** The replica group of {@code key}: distinct node ids, in a fixed order. */
  List<Integer> replicasOf(Bytes key);

  /** One static group for every key. */
  static ReplicaGroups fixed(List<Integer> nodes) {
    List<Integer> group = List.copyOf(nodes);
    if (group.isEmpty() || group.stream().distinct().count() != group.size()) {
      throw new IllegalArgumentException("group must be non-empty and distinct: " + nodes);
    }
    return key -> group;
  }
}
