package io.quorumkv.replication.paxos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The replica configuration that decides a key's instances at one epoch: a group of replicas, and
 * while the key moves to another group, that group too. A moving configuration decides with
 * <em>joint</em> quorums (a majority of {@code replicas} and a majority of {@code next}), so it
 * agrees with both the configuration before it and the one after it (PAXOS.md, "Moving a key
 * between groups").
 *
 * <p>Epochs of one key only grow; each configuration change has a new epoch. Immutable.
 *
 * @param epoch the configuration's epoch, {@code >= 0}
 * @param replicas the group G: distinct node ids, in a fixed order
 * @param next the group G' the key moves to, or empty when the configuration is stable
 */
public record GroupConfig(long epoch, List<Integer> replicas, List<Integer> next) {

  /** Validates and copies. */
  public GroupConfig {
    replicas = List.copyOf(replicas);
    next = List.copyOf(next);
    if (epoch < 0) {
      throw new IllegalArgumentException("negative epoch " + epoch);
    }
    if (replicas.isEmpty() || replicas.stream().distinct().count() != replicas.size()) {
      throw new IllegalArgumentException("group must be non-empty and distinct: " + replicas);
    }
    if (next.stream().distinct().count() != next.size()) {
      throw new IllegalArgumentException("next group must be distinct: " + next);
    }
  }

  /** A stable configuration of {@code replicas} at {@code epoch}. */
  public static GroupConfig stable(long epoch, List<Integer> replicas) {
    return new GroupConfig(epoch, replicas, List.of());
  }

  /** Whether the key is moving from {@link #replicas} to {@link #next}. */
  public boolean moving() {
    return !next.isEmpty();
  }

  /**
   * Every node that votes in this configuration: {@code replicas}, then the rest of {@code next}.
   */
  public List<Integer> members() {
    if (next.isEmpty()) {
      return replicas;
    }
    Set<Integer> all = new LinkedHashSet<>(replicas);
    all.addAll(next);
    return new ArrayList<>(all);
  }

  /** Whether {@code node} votes in this configuration. */
  public boolean contains(int node) {
    return replicas.contains(node) || next.contains(node);
  }

  /**
   * Whether {@code votes} is a quorum: a majority of the group, and of the next group if moving.
   */
  public boolean hasQuorum(Collection<Integer> votes) {
    return majority(replicas, votes) && (next.isEmpty() || majority(next, votes));
  }

  /** Whether {@code refused} leaves no quorum reachable among the others. */
  public boolean quorumUnreachable(Collection<Integer> refused) {
    return blocked(replicas, refused) || (!next.isEmpty() && blocked(next, refused));
  }

  /** Whether {@code votes} hold a majority of {@code next} (of {@code replicas} when stable). */
  public boolean hasNextQuorum(Collection<Integer> votes) {
    return majority(next.isEmpty() ? replicas : next, votes);
  }

  private static boolean majority(List<Integer> group, Collection<Integer> votes) {
    int n = 0;
    for (int node : group) {
      if (votes.contains(node)) {
        n++;
      }
    }
    return n >= group.size() / 2 + 1;
  }

  private static boolean blocked(List<Integer> group, Collection<Integer> refused) {
    int n = 0;
    for (int node : group) {
      if (refused.contains(node)) {
        n++;
      }
    }
    return n > group.size() - (group.size() / 2 + 1);
  }
}
