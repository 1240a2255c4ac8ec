package io.quorumkv.replication.paxos;

import java.util.List;

/**
 * Maps a key to the replica configuration that decides it ({@link GroupConfig}): its group, its
 * epoch and, while it moves, the group it moves to. The node runtime answers from its cluster map;
 * a static cluster from one fixed group.
 *
 * <p>Contract: the answer for a key changes only between inputs of the {@link Replica}, only to a
 * configuration of a higher epoch, and only once the node has made that configuration durable (so
 * that after a restart it never answers an older one); the caller then calls {@link
 * Replica#configurationChanged}. Implementations must be pure functions of that durable state.
 */
@FunctionalInterface
public interface ReplicaGroups {
  /** The configuration that decides {@code key} now. */
  GroupConfig configOf(Bytes key);

  /** The group of {@code key} (its current replicas). */
  default List<Integer> replicasOf(Bytes key) {
    return configOf(key).replicas();
  }

  /** One static group for every key, at epoch 0. */
  static ReplicaGroups fixed(List<Integer> nodes) {
    GroupConfig config = GroupConfig.stable(0, nodes);
    return key -> config;
  }
}
