package io.quorumkv.replication.paxos;

import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Accepted;
import io.quorumkv.replication.paxos.PaxosMessage.Commit;
import io.quorumkv.replication.paxos.PaxosMessage.Lagging;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.Promise;
import io.quorumkv.replication.paxos.PaxosMessage.ReadQuery;
import io.quorumkv.replication.paxos.PaxosMessage.ReadState;
import io.quorumkv.replication.paxos.PaxosMessage.Reject;

/**
 * The acceptor and learner rules, as pure functions from (state, request) to (new state, reply).
 * The rules, one per method, are those listed in PAXOS.md; {@link Replica} persists the new state
 * before the reply leaves the node.
 */
final class Acceptor {
  private Acceptor() {}

  /**
   * The result of one acceptor step.
   *
   * @param state the state to persist (synced) before the reply leaves, or {@code null} if the
   *     reply vouches for nothing that must be durable (a reject, a teaching commit, lagging)
   * @param reply the reply to send, or {@code null}
   */
  record Result(KeyState state, PaxosMessage reply) {}

  /**
   * An answer for a request about {@code instance} that this acceptor cannot vote in, or {@code
   * null} if {@code instance} is exactly the next one.
   */
  private static PaxosMessage wrongInstance(KeyState s, Bytes key, long instance) {
    if (instance <= s.version()) {
      return new Commit(key, s.version(), s.chosen()); // already decided: teach the sender
    }
    if (instance > s.instance()) {
      return new Lagging(key, s.version()); // we miss a chosen value: ask to be taught
    }
    return null;
  }

  /** Rule P1: promise a prepared ballot not lower than any promise so far, reporting accepted. */
  static Result prepare(KeyState s, Prepare p) {
    PaxosMessage wrong = wrongInstance(s, p.key(), p.instance());
    if (wrong != null) {
      return new Result(null, wrong);
    }
    if (Fence.isFenced(s)) {
      return new Result(null, null); // may have voted here before losing its disk: stay silent
    }
    if (p.ballot().round() < Ballot.FIRST_PREPARED_ROUND
        || p.ballot().compareTo(s.promised()) < 0) {
      return new Result(null, new Reject(p.key(), p.instance(), p.ballot(), s.promised()));
    }
    // A repeated prepare at the promised ballot rewrites the unchanged state: the first promise may
    // not be durable yet, and a reply without a synced write of its own is released at once
    // (Effects), so it must not vouch for a promise that a crash could still lose.
    KeyState next = p.ballot().greaterThan(s.promised()) ? s.promise(p.ballot()) : s;
    return new Result(
        next, new Promise(p.key(), p.instance(), p.ballot(), s.acceptedBallot(), s.accepted()));
  }

  /**
   * Rule P2: accept a ballot not lower than the promise. A fast ballot is valid only for the origin
   * of the value chosen at the previous version (which this acceptor must know).
   */
  static Result accept(KeyState s, Accept a) {
    PaxosMessage wrong = wrongInstance(s, a.key(), a.instance());
    if (wrong != null) {
      return new Result(null, wrong);
    }
    if (Fence.isFenced(s)) {
      return new Result(null, null); // may have voted here before losing its disk: stay silent
    }
    Ballot b = a.ballot();
    // A fast ballot skips phase 1, which is safe only where no lower ballot can have accepted
    // anything: an instance this acceptor has promised nothing in (or a repeat of the same fast
    // accept). With one epoch that is what "b >= promised" gave, the fast ballot being the lowest;
    // a fast ballot of a newer epoch is above older epochs' ballots and must still not overwrite
    // what they accepted (PAXOS.md, "Moving a key between groups").
    boolean validFast =
        !b.isFast()
            || (s.version() > 0
                && s.chosen().origin() == b.node()
                && (s.promised().isZero() || s.promised().equals(b)));
    if (b.isZero() || !validFast || b.compareTo(s.promised()) < 0) {
      return new Result(null, new Reject(a.key(), a.instance(), b, s.promised()));
    }
    // A duplicate accept rewrites the unchanged state, for the reason given in prepare: its
    // Accepted must wait for the first accept to be durable.
    boolean duplicate = b.equals(s.acceptedBallot()) && a.proposal().equals(s.accepted());
    KeyState next = duplicate ? s : s.accept(b, a.proposal());
    return new Result(next, new Accepted(a.key(), a.instance(), b));
  }

  /** Learning is idempotent: a chosen value is applied only if it is newer than what we know. */
  static KeyState learn(KeyState s, long version, Proposal proposal) {
    if (Fence.isFenced(s)) {
      return Fence.learn(s, version, proposal);
    }
    return version > s.version() ? s.learn(version, proposal) : null;
  }

  /**
   * Reports this replica's version and acceptor state for a linearizable read, or {@code null} if
   * it is fenced: "nothing accepted" would be a claim about votes it may have forgotten.
   */
  static ReadState read(KeyState s, ReadQuery q) {
    if (Fence.isFenced(s)) {
      return null;
    }
    return new ReadState(
        q.key(),
        q.queryId(),
        s.version(),
        s.version() > q.knownVersion() ? s.chosen() : null,
        s.acceptedBallot(),
        s.accepted());
  }
}
