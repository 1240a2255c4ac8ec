package io.quorumkv.replication.paxos;

/**
 * A Paxos ballot of one instance: ordered by {@code round}, then by {@code node}, so two nodes
 * never share a ballot.
 *
 * <p>Round 0 is {@link #ZERO}, "nothing promised or accepted". Round 1 is the <em>fast</em> ballot:
 * for instance {@code v + 1} only the node that created the value chosen at version {@code v} may
 * use it, and it skips the prepare phase (see PAXOS.md). Every prepared ballot has round {@code >=
 * 2}, so the fast ballot is the lowest ballot of its instance.
 *
 * @param round the round number, {@code >= 0}
 * @param node the proposing node, {@code >= 0}
 */
public record Ballot(long round, int node) implements Comparable<Ballot> {
  /** No ballot: nothing promised or accepted. */
  public static final Ballot ZERO = new Ballot(0, 0);

  /** The round of the fast ballot. */
  public static final long FAST_ROUND = 1;

  /** The lowest round a prepared ballot may use. */
  public static final long FIRST_PREPARED_ROUND = 2;

  /** Validates the fields. */
  public Ballot {
    if (round < 0 || node < 0) {
      throw new IllegalArgumentException("bad ballot " + round + "." + node);
    }
  }

  /** The fast ballot owned by {@code node}. */
  public static Ballot fast(int node) {
    return new Ballot(FAST_ROUND, node);
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
    int c = Long.compare(round, o.round);
    return c != 0 ? c : Integer.compare(node, o.node);
  }

  @Override
  public String toString() {
    return round + "." + node;
  }
}
