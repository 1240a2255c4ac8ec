package io.quorumkv.replication.paxos;

import java.util.List;

/**
 * Acceptor fences of a replica that lost its durable state (PAXOS.md, "A replica that lost its
 * disk"). Such a replica may have promised or accepted things before the loss that it no longer
 * remembers, so it must not vote (promise, accept, answer a read query) in any instance it might
 * have voted in before. A fence records how far that is, per key, inside the ordinary {@link
 * KeyState} record: its {@code promised} ballot is a <em>fence ballot</em> whose node field is at
 * least {@link #FIRST_FENCE_NODE} (no real node has such an id) and encodes the depth:
 *
 * <ul>
 *   <li>depth 0, {@link #UNKNOWN}: nothing is known yet (the key has not been copied from peers):
 *       no vote in any instance, and this replica does not coordinate requests for the key;
 *   <li>depth {@code d >= 1}: no vote in instances {@code version + 1 .. version + d}; every
 *       learned version lowers the depth, and at 0 the fence is gone (a fresh acceptor state).
 * </ul>
 *
 * <p>The round of a fence ballot is a floor for this replica's own prepared rounds in instance
 * {@code version + 1}: it is at least every round any peer had promised there when the key was
 * copied, which covers every prepared ballot this replica used there before the loss, so it never
 * reuses one (a reused ballot could carry a different proposal).
 *
 * <p>Pure functions; used by {@link Acceptor} and {@link Replica}.
 */
public final class Fence {
  private Fence() {}

  /** The smallest node id of a fence ballot; real node ids are below it. */
  public static final int FIRST_FENCE_NODE = 1 << 30;

  /**
   * The state of a key not copied yet by a replica that is rebuilding: fenced in every instance.
   */
  public static final KeyState UNKNOWN =
      new KeyState(0, null, new Ballot(Ballot.FAST_ROUND, FIRST_FENCE_NODE), Ballot.ZERO, null);

  /**
   * The state a replica gives a key it holds no record of. {@code depth} 0 ({@link KeyState#EMPTY})
   * on a node that never lost its disk. A rebuilt node uses depth {@code D + 1}, where {@code D} is
   * the largest depth its peers used when it was rebuilt: no peer held the key when the scan passed
   * it, so it voted in no instance above {@code D + 1} before its loss (a peer that had itself been
   * rebuilt counts the instances its own default fences). This applies forever: a {@code Prepare}
   * for such an instance that only this replica received may still be answered by others later.
   */
  public static KeyState absent(long depth) {
    return depth == 0 ? KeyState.EMPTY : fenced(0, null, 0, Ballot.FAST_ROUND, depth);
  }

  /** Whether {@code s} is fenced at all (this replica votes in none of its next instances). */
  public static boolean isFenced(KeyState s) {
    return s.promised().node() >= FIRST_FENCE_NODE;
  }

  /** Whether {@code s} is {@link #UNKNOWN}-fenced: not copied from peers yet. */
  public static boolean isUnknown(KeyState s) {
    return s.promised().node() == FIRST_FENCE_NODE;
  }

  private static int depth(KeyState s) {
    return s.promised().node() - FIRST_FENCE_NODE;
  }

  private static KeyState fenced(
      long version, Proposal chosen, long epoch, long round, long depth) {
    if (depth < 1 || depth > Integer.MAX_VALUE - FIRST_FENCE_NODE) {
      throw new IllegalArgumentException("bad fence depth " + depth);
    }
    Ballot b =
        new Ballot(epoch, Math.max(round, Ballot.FAST_ROUND), FIRST_FENCE_NODE + (int) depth);
    return new KeyState(version, chosen, b, Ballot.ZERO, null);
  }

  /**
   * The state after learning that {@code proposal} was chosen at {@code version}, or {@code null}
   * if that is not newer. An unknown fence stays (learning says nothing about past votes); a known
   * one shrinks by the number of versions learned, and is gone once it reaches 0.
   */
  static KeyState learn(KeyState s, long version, Proposal proposal) {
    if (version <= s.version()) {
      return null;
    }
    if (isUnknown(s)) {
      return new KeyState(version, proposal, s.promised(), Ballot.ZERO, null);
    }
    long left = depth(s) - (version - s.version());
    // The fence round protected instance version + 1 only; later instances saw no prepared
    // ballot of ours before the loss (PAXOS.md), so their floor is the fast round.
    return left <= 0 ? s.learn(version, proposal) : fenced(version, proposal, 0, 1, left);
  }

  /**
   * The rebuilt state of a key from the states {@code peers} hold, or {@code null} if {@code local}
   * needs none (it is not {@link #UNKNOWN}-fenced).
   *
   * <p>{@code peers} must be the records of the key held by a set of <em>other</em> replicas of the
   * group that intersects every quorum once this replica is left out (for an odd group: a quorum of
   * the others), each read at any time after this replica lost its state; a replica without a
   * record contributes {@link KeyState#EMPTY}. None of them may itself be {@link #UNKNOWN}-fenced.
   *
   * <p>Let {@code H} be the highest instance any of them has accepted in or learned (a fenced peer
   * counts the instances its own fence covers). This replica voted in no instance above {@code H +
   * 1} before its loss (PAXOS.md), so the result adopts the newest chosen value {@code V} and is
   * fenced through instance {@code H + 1}: depth {@code H + 1 - V}, or no fence if that is not
   * positive.
   *
   * @throws IllegalArgumentException if a peer is itself rebuilding
   */
  public static KeyState rebuild(KeyState local, List<KeyState> peers) {
    if (!isUnknown(local)) {
      return null;
    }
    long version = local.version();
    Proposal chosen = local.chosen();
    long highest = 0;
    long peerVersion = 0;
    for (KeyState p : peers) {
      if (isUnknown(p)) {
        throw new IllegalArgumentException("a rebuilding peer cannot vouch for a key");
      }
      long h = p.version() + (isFenced(p) ? depth(p) : p.accepted() != null ? 1 : 0);
      highest = Math.max(highest, h);
      peerVersion = Math.max(peerVersion, p.version());
      if (p.version() > version) {
        version = p.version();
        chosen = p.chosen();
      }
    }
    // The floor of the coordinator's next ballots: the highest promise (epoch, then round) of a
    // peer at the adopted version.
    Ballot floor = Ballot.fast(0, 0);
    if (version == peerVersion) {
      for (KeyState p : peers) {
        if (p.version() == peerVersion && p.promised().greaterThan(floor)) {
          floor = p.promised();
        }
      }
    }
    long depth = highest + 1 - version;
    if (depth <= 0) {
      return version == 0 ? KeyState.EMPTY : KeyState.EMPTY.learn(version, chosen);
    }
    return fenced(version, chosen, floor.epoch(), floor.round(), depth);
  }
}
