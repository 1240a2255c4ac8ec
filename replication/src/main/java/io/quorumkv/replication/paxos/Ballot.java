package io.quorumkv.replication.paxos;

/**
 * A Paxos ballot of one instance: ordered by {@code epoch}, then {@code round}, then {@code node},
 * so two nodes never share a ballot.
 *
 * <p>The epoch is that of the key's replica configuration ({@link GroupConfig#epoch}) under which
 * the ballot was used: every ballot of a newer configuration is above every ballot of an older one,
 * so a node that was removed from a group, dropped its records and was added again later can never
 * reuse a ballot it used before (PAXOS.md, "Moving a key between groups").
 *
 * <p>Round 0 is {@link #ZERO}, "nothing promised or accepted" (its epoch is 0). Round 1 is the
 * <em>fast</em> ballot: for instance {@code v + 1} only the node that created the value chosen at
 * version {@code v} may use it, only in an instance where the acceptor has promised nothing, and it
 * skips the prepare phase (see PAXOS.md). Every prepared ballot has round {@code >= 2}, so the fast
 * ballot is the lowest ballot of its epoch.
 *
 * @param epoch the configuration epoch, {@code >= 0}
 * @param round the round number, {@code >= 0}
 * @param node the proposing node, {@code >= 0}
 */
public record Ballot(long epoch, long round, int node) implements Comparable<Ballot> {
  /** No ballot: nothing promised or accepted. */
  public static final Ballot ZERO = new Ballot(0, 0, 0);

  /** The round of the fast ballot. */
  public static final long FAST_ROUND = 1;

  /** The lowest round a prepared ballot may use. */
  public static final long FIRST_PREPARED_ROUND = 2;

  /** Validates the fields. */
  public Ballot {
    if (epoch < 0 || round < 0 || node < 0 || (round == 0 && epoch != 0)) {
      throw new IllegalArgumentException("bad ballot " + epoch + ":" + round + "." + node);
    }
  }

  /** A ballot of epoch 0 (the static configuration of a cluster without a map). */
  public Ballot(long round, int node) {
    this(0, round, node);
  }

  /** The fast ballot of epoch 0 owned by {@code node}. */
  public static Ballot fast(int node) {
    return fast(0, node);
  }

  /** The fast ballot of {@code epoch} owned by {@code node}. */
  public static Ballot fast(long epoch, int node) {
    return new Ballot(epoch, FAST_ROUND, node);
  }

  /** Whether this is a fast (prepare-less) ballot. */
  public boolean isFast() {
    return round == FAST_ROUND;
  }

  /** Whether this is {@link #ZERO}. */
  public boolean isZero() {
    return round == 0;
  }

  /** Whether this ballot is strictly greater than {@code other}. */
  public boolean greaterThan(Ballot other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Ballot o) {
    int c = Long.compare(epoch, o.epoch);
    if (c != 0) {
      return c;
    }
    c = Long.compare(round, o.round);
    return c != 0 ? c : Integer.compare(node, o.node);
  }

  @Override
  public String toString() {
    return epoch == 0 ? round + "." + node : epoch + ":" + round + "." + node;
  }
}
