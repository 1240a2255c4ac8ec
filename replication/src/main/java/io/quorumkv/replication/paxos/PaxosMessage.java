package io.quorumkv.replication.paxos;

/**
 * Messages between the replicas of one key's group. Every message names its key; instances are
 * versions: instance {@code v + 1} decides the value that follows version {@code v}. Messages may
 * be lost, duplicated, delayed and reordered; every handler tolerates that.
 */
public sealed interface PaxosMessage {
  /** The key this message is about. */
  Bytes key();

  /**
   * Phase 1a: asks for a promise not to accept ballots below {@code ballot} in {@code instance}.
   */
  record Prepare(Bytes key, long instance, Ballot ballot) implements PaxosMessage {}

  /**
   * Phase 1b: the promise, with the highest proposal this acceptor accepted in the instance.
   *
   * @param acceptedBallot {@link Ballot#ZERO} if nothing was accepted
   * @param accepted {@code null} if nothing was accepted
   */
  record Promise(Bytes key, long instance, Ballot ballot, Ballot acceptedBallot, Proposal accepted)
      implements PaxosMessage {}

  /** Phase 2a: asks to accept {@code proposal} at {@code ballot} in {@code instance}. */
  record Accept(Bytes key, long instance, Ballot ballot, Proposal proposal)
      implements PaxosMessage {}

  /** Phase 2b: {@code ballot} was accepted in {@code instance}. */
  record Accepted(Bytes key, long instance, Ballot ballot) implements PaxosMessage {}

  /** A prepare or accept at {@code ballot} was refused because {@code promised} is higher. */
  record Reject(Bytes key, long instance, Ballot ballot, Ballot promised) implements PaxosMessage {}

  /**
   * Learn (commit, sync): {@code proposal} is chosen at {@code version}. Also the answer to a
   * prepare, accept or read of an instance the responder already knows to be decided, and the
   * catch-up sent to a lagging replica. Applying it is idempotent: only if newer.
   */
  record Commit(Bytes key, long version, Proposal proposal) implements PaxosMessage {}

  /** The responder is at {@code version}, too far behind to vote in the requested instance. */
  record Lagging(Bytes key, long version) implements PaxosMessage {}

  /**
   * Asks for the responder's version and acceptor state, for a linearizable read, under the
   * configuration of {@code epoch} (only an acceptor at that epoch answers).
   */
  record ReadQuery(Bytes key, long queryId, long knownVersion, long epoch) implements PaxosMessage {
    /** A query of epoch 0 (a static cluster). */
    public ReadQuery(Bytes key, long queryId, long knownVersion) {
      this(key, queryId, knownVersion, 0);
    }
  }

  /**
   * The answer to a {@link ReadQuery}.
   *
   * @param chosen the proposal chosen at {@code version} if {@code version > knownVersion}, else
   *     {@code null}
   * @param acceptedBallot {@link Ballot#ZERO} if nothing is accepted in instance {@code version+1}
   * @param accepted the accepted proposal of instance {@code version + 1}, or {@code null}
   */
  record ReadState(
      Bytes key,
      long queryId,
      long version,
      Proposal chosen,
      Ballot acceptedBallot,
      Proposal accepted)
      implements PaxosMessage {}

  /**
   * The responder's configuration of the key is newer than that of the request it answers (a
   * prepare, accept or read query of an older epoch): it takes no part in that epoch any more. The
   * coordinator backs off until its node has adopted a configuration of at least {@code epoch}.
   */
  record Stale(Bytes key, long epoch) implements PaxosMessage {}

  /**
   * Make durable that {@code proposal} is chosen at {@code version} (learning it if newer), then
   * answer {@link Synced}. Sent while a key moves, to the group it moves to, so that a majority of
   * that group durably knows every value the old group chose (PAXOS.md, "Moving a key between
   * groups").
   */
  record Sync(Bytes key, long version, Proposal proposal) implements PaxosMessage {}

  /** The responder durably knows the key at {@code version} or later. */
  record Synced(Bytes key, long version) implements PaxosMessage {}
}
