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
 * <p>Keys beginning with {@link #META_PREFIX} are the cluster's own metadata (the cluster map):
 * they are in no segment and always decided by {@code meta}, a fixed group of at most three of the
 * founding nodes (the lowest ids), so the map can be read and changed under every version of
 * itself.
 *
 * @param version the cluster map version this snapshot is of; a node adopts only newer ones
 * @param segmentOf the segment of an encoded key, in {@code [0, configs.size())}
 * @param configs the configuration of each segment
 * @param meta the configuration of metadata keys
 */
public record NodeTopology(
    long version, ToIntFunction<Bytes> segmentOf, List<GroupConfig> configs, GroupConfig meta)
    implements ReplicaGroups {

  /**
   * The first bytes of every metadata key: table id -1 in the SQL layer's key layout, which no
   * table uses.
   */
  public static final byte[] META_PREFIX = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};

  /** Validates and copies. */
  public NodeTopology {
    Objects.requireNonNull(segmentOf, "segmentOf");
    Objects.requireNonNull(meta, "meta");
    configs = List.copyOf(configs);
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("no segments");
    }
  }

  /** A static cluster: one group of every node holds every key, at epoch 0 (version 0). */
  public static NodeTopology single(List<Integer> group) {
    return new NodeTopology(0, key -> 0, List.of(GroupConfig.stable(0, group)), metaGroup(group));
  }

  /** The metadata group of a cluster founded by {@code nodes}: the (up to) three lowest ids. */
  public static GroupConfig metaGroup(List<Integer> nodes) {
    return GroupConfig.stable(0, nodes.stream().sorted().limit(3).toList());
  }

  /** Whether {@code key} is a metadata key. */
  public static boolean isMeta(Bytes key) {
    return key.startsWith(META_PREFIX);
  }

  /** This snapshot with {@code next} as version, segment function and segment configurations. */
  public NodeTopology with(
      long nextVersion, ToIntFunction<Bytes> nextSegmentOf, List<GroupConfig> nextConfigs) {
    return new NodeTopology(nextVersion, nextSegmentOf, nextConfigs, meta);
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
    return isMeta(key) ? meta : configs.get(segment(key));
  }

  /** Every node that votes in some segment. */
  public Set<Integer> allMembers() {
    Set<Integer> all = new LinkedHashSet<>(meta.members());
    for (GroupConfig c : configs) {
      all.addAll(c.members());
    }
    return all;
  }

  /** Whether {@code answered} holds a quorum of every segment's configuration. */
  public boolean quorumOfEverySegment(Set<Integer> answered) {
    if (!meta.hasQuorum(answered)) {
      return false;
    }
    for (GroupConfig c : configs) {
      if (!c.hasQuorum(answered)) {
        return false;
      }
    }
    return true;
  }
}
