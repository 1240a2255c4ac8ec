package io.quorumkv.replication.paxos;

/**
 * Everything one replica stores for one key, persisted atomically as one record (see {@link
 * KeyStateCodec}): the latest chosen proposal and its version, plus the acceptor state of the next
 * instance ({@code version + 1}).
 *
 * @param version the latest version this replica knows to be chosen; 0 if none
 * @param chosen the proposal chosen at {@code version}, {@code null} iff {@code version == 0}
 * @param promised the highest ballot promised for instance {@code version + 1}
 * @param acceptedBallot the ballot of {@code accepted}, {@link Ballot#ZERO} if none
 * @param accepted the proposal accepted for instance {@code version + 1}, or {@code null}
 */
public record KeyState(
    long version, Proposal chosen, Ballot promised, Ballot acceptedBallot, Proposal accepted) {

  /** The state of a key this replica has never seen. */
  public static final KeyState EMPTY = new KeyState(0, null, Ballot.ZERO, Ballot.ZERO, null);

  /** Validates the invariants. */
  public KeyState {
    if (version < 0 || (version == 0) != (chosen == null)) {
      throw new IllegalArgumentException("chosen must be present iff version > 0");
    }
    if (acceptedBallot.isZero() != (accepted == null)) {
      throw new IllegalArgumentException("accepted ballot and value go together");
    }
    if (acceptedBallot.greaterThan(promised)) {
      throw new IllegalArgumentException("accepted " + acceptedBallot + " > promised " + promised);
    }
  }

  /** The chosen value, {@code null} if absent or deleted. */
  public Bytes value() {
    return chosen == null ? null : chosen.value();
  }

  /** The instance this acceptor state is for. */
  public long instance() {
    return version + 1;
  }

  /** The state after learning that {@code proposal} was chosen at {@code newVersion}. */
  public KeyState learn(long newVersion, Proposal proposal) {
    return new KeyState(newVersion, proposal, Ballot.ZERO, Ballot.ZERO, null);
  }

  /** The state after promising {@code ballot}. */
  public KeyState promise(Ballot ballot) {
    return new KeyState(version, chosen, ballot, acceptedBallot, accepted);
  }

  /** The state after accepting {@code proposal} at {@code ballot}. */
  public KeyState accept(Ballot ballot, Proposal proposal) {
    return new KeyState(version, chosen, ballot, ballot, proposal);
  }
}
