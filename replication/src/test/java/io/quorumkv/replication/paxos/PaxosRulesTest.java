package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.paxos.CasResult.Applied;
import io.quorumkv.replication.paxos.CasResult.NotApplied;
import io.quorumkv.replication.paxos.CasResult.Unknown;
import io.quorumkv.replication.paxos.Outcome.ReadOk;
import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Accepted;
import io.quorumkv.replication.paxos.PaxosMessage.Commit;
import io.quorumkv.replication.paxos.PaxosMessage.Lagging;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.Promise;
import io.quorumkv.replication.paxos.PaxosMessage.Reject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per protocol rule of PAXOS.md. */
class PaxosRulesTest {
  private static final Bytes K = Bytes.utf8("k");
  private static final Bytes A = Bytes.utf8("a");
  private static final Bytes B = Bytes.utf8("b");
  private static final Bytes C = Bytes.utf8("c");

  private static Proposal proposal(Bytes value, long client, long seq, int origin, long version) {
    return Proposal.next(null, version, value, new RequestId(client, seq), origin, 8);
  }

  /** State at version 1 with {@code A} chosen, created by node {@code origin}. */
  private static KeyState atVersion1(int origin) {
    return KeyState.EMPTY.learn(1, proposal(A, 7, 1, origin, 1));
  }

  @Test
  void promiseRejectsLowerBallots() {
    KeyState s = atVersion1(0);
    Acceptor.Result r = Acceptor.prepare(s, new Prepare(K, 2, new Ballot(3, 1)));
    assertThat(r.reply()).isInstanceOf(Promise.class);
    s = r.state();
    assertThat(s.promised()).isEqualTo(new Ballot(3, 1));

    Acceptor.Result lower = Acceptor.prepare(s, new Prepare(K, 2, new Ballot(3, 0)));
    assertThat(lower.state()).isNull();
    assertThat(lower.reply()).isEqualTo(new Reject(K, 2, new Ballot(3, 0), new Ballot(3, 1)));

    // a repeated prepare at the promised ballot is answered again, behind a rewrite of the same
    // state: the first promise may not be durable yet (its answer must not leave before it is)
    Acceptor.Result same = Acceptor.prepare(s, new Prepare(K, 2, new Ballot(3, 1)));
    assertThat(same.state()).isEqualTo(s);
    assertThat(same.reply()).isInstanceOf(Promise.class);

    // the fast round is never prepared
    assertThat(Acceptor.prepare(KeyState.EMPTY, new Prepare(K, 1, Ballot.fast(0))).reply())
        .isInstanceOf(Reject.class);
  }

  @Test
  void acceptOnlyAtOrAbovePromiseAndPromiseReportsAccepted() {
    KeyState s = Acceptor.prepare(atVersion1(0), new Prepare(K, 2, new Ballot(3, 1))).state();
    Proposal p = Proposal.next(s.chosen(), 2, B, new RequestId(8, 1), 1, 8);
    assertThat(Acceptor.accept(s, new Accept(K, 2, new Ballot(2, 2), p)).reply())
        .isInstanceOf(Reject.class);
    Acceptor.Result ok = Acceptor.accept(s, new Accept(K, 2, new Ballot(3, 1), p));
    assertThat(ok.reply()).isEqualTo(new Accepted(K, 2, new Ballot(3, 1)));
    s = ok.state();
    assertThat(s.accepted()).isEqualTo(p);
    // a later prepare learns about the accepted proposal
    Promise promise = (Promise) Acceptor.prepare(s, new Prepare(K, 2, new Ballot(4, 2))).reply();
    assertThat(promise.acceptedBallot()).isEqualTo(new Ballot(3, 1));
    assertThat(promise.accepted()).isEqualTo(p);
    // a duplicate accept is acknowledged behind a rewrite of the same state, for the same reason
    Acceptor.Result dup = Acceptor.accept(s, new Accept(K, 2, new Ballot(3, 1), p));
    assertThat(dup.state()).isEqualTo(s);
    assertThat(dup.reply()).isInstanceOf(Accepted.class);
  }

  @Test
  void fastBallotIsValidOnlyForTheOriginOfThePreviousValue() {
    KeyState s = atVersion1(0);
    Proposal p = Proposal.next(s.chosen(), 2, B, new RequestId(8, 1), 1, 8);
    assertThat(Acceptor.accept(s, new Accept(K, 2, Ballot.fast(1), p)).reply())
        .isInstanceOf(Reject.class);
    assertThat(Acceptor.accept(s, new Accept(K, 2, Ballot.fast(0), p)).reply())
        .isInstanceOf(Accepted.class);
    // no fast ballot for the first version: nobody owns it
    assertThat(
            Acceptor.accept(
                    KeyState.EMPTY, new Accept(K, 1, Ballot.fast(0), proposal(B, 8, 1, 0, 1)))
                .reply())
        .isInstanceOf(Reject.class);
    // once anything is promised, the fast ballot (the lowest) is refused
    KeyState promised = Acceptor.prepare(s, new Prepare(K, 2, new Ballot(2, 2))).state();
    assertThat(Acceptor.accept(promised, new Accept(K, 2, Ballot.fast(0), p)).reply())
        .isInstanceOf(Reject.class);
  }

  @Test
  void onlyTheOriginSkipsPrepareAndItPersistsItsOwnAcceptBeforeSending() {
    MiniCluster c = new MiniCluster(3);
    c.submit(1, K, new Operation.Put(A)); // first write: nobody owns the fast ballot
    assertThat(c.network).allMatch(m -> m.message() instanceof Prepare);
    c.deliverAll();
    assertThat(c.state(0, K).chosen().origin()).isEqualTo(1);

    // node 1 created version 1, so it writes version 2 in one round trip
    c.submit(1, K, new Operation.Put(B));
    Effects e = c.log.get(c.log.size() - 1);
    assertThat(e.messages())
        .extracting(Effects.Envelope::message)
        .allMatch(Accept.class::isInstance);
    assertThat(e.messages()).allMatch(m -> ((Accept) m.message()).ballot().isFast());
    // ...and the same Effects carries its own durable accept, which the ordering rule persists
    // before any of those messages leave
    assertThat(e.writes()).anyMatch(w -> w.state().acceptedBallot().equals(Ballot.fast(1)));
    c.deliverAll();
    assertThat(c.state(2, K).version()).isEqualTo(2);

    // node 0 did not create version 2: it prepares
    c.submit(0, K, new Operation.Put(C));
    assertThat(c.network).allMatch(m -> m.message() instanceof Prepare);
    c.deliverAll();
    assertThat(c.state(1, K).value()).isEqualTo(C);
  }

  @Test
  void originThatAlreadyPromisedDoesNotUseTheFastPath() {
    MiniCluster c = new MiniCluster(3);
    c.submit(1, K, new Operation.Put(A));
    c.deliverAll();
    // node 2 prepares instance 2; node 1 promises it
    c.submit(2, K, new Operation.Put(B));
    c.deliverWhile(m -> m.message() instanceof Prepare && m.to() == 1);
    c.network.clear();
    c.submit(1, K, new Operation.Put(C));
    assertThat(c.network).allMatch(m -> m.message() instanceof Prepare);
  }

  @Test
  void laggingReplicaCatchesUpFromTheCoordinator() {
    MiniCluster c = new MiniCluster(3);
    // node 2 misses everything
    for (int i = 0; i < 3; i++) {
      c.submit(0, K, new Operation.Put(Bytes.utf8("v" + i)));
      c.deliverWhile(m -> m.to() != 2);
      c.dropWhere(m -> m.to() == 2);
    }
    assertThat(c.state(2, K).version()).isZero();
    // node 1 prepares instance 4: node 2 answers Lagging and is taught version 3
    c.submit(1, K, new Operation.Put(A));
    c.deliverWhile(m -> !(m.message() instanceof Commit) || m.to() == 2);
    assertThat(c.log)
        .anyMatch(e -> e.messages().stream().anyMatch(m -> m.message() instanceof Lagging));
    assertThat(c.state(2, K).version()).isGreaterThanOrEqualTo(3);
    c.deliverAll();
    assertThat(c.state(2, K).value()).isEqualTo(A);
    assertThat(c.state(2, K).version()).isEqualTo(4);
  }

  @Test
  void acceptorAlreadyPastTheInstanceTeachesTheChosenValue() {
    KeyState s = KeyState.EMPTY.learn(3, proposal(A, 7, 1, 0, 3));
    assertThat(Acceptor.prepare(s, new Prepare(K, 2, new Ballot(9, 1))).reply())
        .isEqualTo(new Commit(K, 3, s.chosen()));
    assertThat(Acceptor.prepare(s, new Prepare(K, 6, new Ballot(9, 1))).reply())
        .isEqualTo(new Lagging(K, 3));
  }

  @Test
  void learningIsIdempotentAndOnlyMovesForward() {
    KeyState s1 = atVersion1(0);
    Proposal p3 = proposal(B, 8, 1, 1, 3);
    KeyState s3 = Acceptor.learn(s1, 3, p3);
    assertThat(s3.version()).isEqualTo(3);
    assertThat(s3.promised()).isEqualTo(Ballot.ZERO);
    assertThat(Acceptor.learn(s3, 3, p3)).isNull();
    assertThat(Acceptor.learn(s3, 2, proposal(C, 9, 1, 2, 2))).isNull();

    MiniCluster c = new MiniCluster(3);
    c.absorb(0, c.replicas[0].step(1, new Commit(K, 3, p3)));
    Effects dup = c.replicas[0].step(2, new Commit(K, 3, p3));
    assertThat(dup.writes()).isEmpty();
    assertThat(c.state(0, K).value()).isEqualTo(B);
  }

  @Test
  void retryOfAnAppliedRequestReturnsTheOriginalOutcome() {
    MiniCluster c = new MiniCluster(3);
    RequestId id = new RequestId(42, 7);
    long first = c.submit(0, K, new Operation.Put(A), id, false);
    c.deliverAll();
    assertThat(c.replies.get(first)).isEqualTo(new Applied(1, A));
    c.submit(1, K, new Operation.Put(B));
    c.deliverAll();
    // the retry reaches another coordinator after another write: answered from the window
    long retry = c.submit(2, K, new Operation.Put(A), id, true);
    c.deliverAll();
    // the value written back then is no longer the latest, so it is reported as unknown
    assertThat(c.replies.get(retry)).isEqualTo(new Applied(1, null, false));
    assertThat(c.state(0, K).value()).isEqualTo(B);
    assertThat(c.state(0, K).version()).isEqualTo(2);
    // an older request of the same client is reported as unknowable, never re-applied
    long stale = c.submit(2, K, new Operation.Put(C), new RequestId(42, 6), true);
    c.deliverAll();
    assertThat(c.replies.get(stale)).isInstanceOf(Unknown.class);
  }

  @Test
  void retryWhoseFirstAttemptIsStillInFlightIsAppliedOnce() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    RequestId id = new RequestId(42, 1);
    // node 1's attempt reaches only node 1's own acceptor
    c.submit(1, K, new Operation.Put(B), id, false);
    c.deliverWhile(m -> m.to() == 1);
    c.network.clear();
    c.deliverAll();
    // node 2 retries: its prepare finds B accepted at node 1... or not; either way B applies once
    long retry = c.submit(2, K, new Operation.Put(B), id, true);
    c.deliverAll();
    assertThat(c.replies.get(retry)).isInstanceOf(Applied.class);
    long v = c.state(2, K).version();
    c.tick(200); // node 1's own attempt retries and must find its request applied
    c.deliverAll();
    c.tick(200);
    c.deliverAll();
    assertThat(c.state(0, K).version()).isEqualTo(v);
    assertThat(c.state(0, K).value()).isEqualTo(B);
  }

  @Test
  void failedCasCompletesTheInFlightValueFirst() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    // node 0 writes B but its accept reaches only itself and node 1, and no commit goes out
    c.submit(0, K, new Operation.Put(B));
    c.deliverWhile(m -> m.message() instanceof Accept && m.to() == 1);
    c.network.clear();
    assertThat(c.state(2, K).value()).isEqualTo(A);
    // node 2 asks CAS(A -> C). B is accepted by a majority, hence chosen: the CAS must not apply,
    // and must report B (not A), having completed it.
    long cas = c.submit(2, K, new Operation.Cas(A, C));
    c.deliverAll();
    assertThat(c.replies.get(cas)).isEqualTo(new NotApplied(B, 2));
    for (int i = 0; i < 3; i++) {
      assertThat(c.state(i, K).value()).as("node %d", i).isEqualTo(B);
    }
  }

  @Test
  void readCompletesTheInFlightValue() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    c.submit(0, K, new Operation.Put(B));
    c.deliverWhile(m -> m.message() instanceof Accept && m.to() == 1);
    c.network.clear();
    long read = c.submit(2, K, new Operation.Read());
    c.deliverAll();
    assertThat(c.replies.get(read)).isEqualTo(new ReadOk(B, 2));
  }

  @Test
  void racingCasFromTheSameExpectedValueApplyAtMostOnce() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    long x = c.submit(1, K, new Operation.Cas(A, B));
    long y = c.submit(2, K, new Operation.Cas(A, C));
    c.deliverAll();
    for (int i = 0; i < 20 && (!c.replies.containsKey(x) || !c.replies.containsKey(y)); i++) {
      c.tick(50);
      c.deliverAll();
    }
    List<Outcome> both = List.of(c.replies.get(x), c.replies.get(y));
    assertThat(both).filteredOn(Applied.class::isInstance).hasSize(1);
    assertThat(both).filteredOn(NotApplied.class::isInstance).hasSize(1);
  }

  @Test
  void aRetryOfAnAppliedWriteIsAnsweredFromTheWindowAndCounted() {
    MiniCluster c = new MiniCluster(3);
    long w = c.submit(0, K, new Operation.Put(A), new RequestId(9, 1), false);
    c.deliverAll();
    assertThat(c.replies.get(w)).isInstanceOf(Applied.class);
    assertThat(c.replicas[0].exactlyOnceHits()).isZero();
    long again = c.submit(0, K, new Operation.Put(A), new RequestId(9, 1), true);
    c.deliverAll();
    assertThat(c.replies.get(again)).isInstanceOf(Applied.class);
    assertThat(c.replicas[0].exactlyOnceHits()).isEqualTo(1);
  }

  @Test
  void retriedCasWhoseConditionFailsIsUnknownNotNotApplied() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    long r = c.submit(1, K, new Operation.Cas(B, C), new RequestId(5, 1), true);
    c.deliverAll();
    assertThat(c.replies.get(r)).isInstanceOf(Unknown.class);
    long fresh = c.submit(1, K, new Operation.Cas(B, C), new RequestId(5, 2), false);
    c.deliverAll();
    assertThat(c.replies.get(fresh)).isEqualTo(new NotApplied(A, 1));
  }

  @Test
  void timeoutIsUnknownOnlyAfterProposingAndFailedBefore() {
    MiniCluster c = new MiniCluster(3);
    long w = c.submit(0, K, new Operation.Put(A));
    c.network.clear(); // prepares lost: nothing was proposed
    c.tick(6000);
    assertThat(c.replies.get(w)).isInstanceOf(Outcome.Failed.class);
    long w2 = c.submit(0, K, new Operation.Put(B));
    c.deliverWhile(
        m -> m.message() instanceof PaxosMessage.Prepare || m.message() instanceof Promise);
    c.network.clear(); // accepts lost: B may or may not be chosen
    for (int i = 0; i < 120; i++) {
      c.tick(50);
      c.network.clear();
    }
    assertThat(c.replies.get(w2)).isInstanceOf(Unknown.class);
  }

  /** Appends "+" to a present value, skips an absent one; counts its evaluations. */
  private static final class Append implements Operation.UpdateFunction {
    int calls;

    @Override
    public Operation.Decision apply(Bytes current, long version) {
      calls++;
      return current == null
          ? Operation.Decision.SKIP
          : new Operation.Decision.Write(Bytes.utf8(current + "+" + version));
    }
  }

  @Test
  void updateIsEvaluatedAgainstTheLatestChosenValueOnBothPaths() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    Append f = new Append();
    // node 0 created version 1: fast path, evaluated against chosen(1)
    long fast = c.submit(0, K, new Operation.Update(f));
    assertThat(c.log.get(c.log.size() - 1).messages()).allMatch(e -> e.message() instanceof Accept);
    c.deliverAll();
    assertThat(c.replies.get(fast)).isEqualTo(new Applied(2, Bytes.utf8("a+1")));
    // node 2 did not: prepare first, then evaluate against chosen(2)
    long slow = c.submit(2, K, new Operation.Update(f));
    c.deliverAll();
    assertThat(c.replies.get(slow)).isEqualTo(new Applied(3, Bytes.utf8("a+1+2")));
    assertThat(c.state(1, K).value()).isEqualTo(Bytes.utf8("a+1+2"));
  }

  @Test
  void updateThatSkipsIsALinearizableNotAppliedThatCompletesTheInFlightValue() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    // a delete accepted by a majority but never committed
    c.submit(0, K, new Operation.Delete());
    c.deliverWhile(m -> m.message() instanceof Accept && m.to() == 1);
    c.network.clear();
    // even at node 0 (which owns the fast ballot, but has a promise now) the update must see it
    long u = c.submit(2, K, new Operation.Update(new Append()));
    c.deliverAll();
    assertThat(c.replies.get(u)).isEqualTo(new NotApplied(null, 2));
  }

  @Test
  void updateWhoseFunctionThrowsFailsOnlyThatRequest() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    long bad =
        c.submit(
            0,
            K,
            new Operation.Update(
                (v, ver) -> {
                  throw new IllegalStateException("boom");
                }));
    long next = c.submit(0, K, new Operation.Put(B));
    c.deliverAll();
    assertThat(c.replies.get(bad)).isInstanceOf(Outcome.Failed.class);
    assertThat(c.replies.get(next)).isEqualTo(new Applied(2, B));
  }

  @Test
  void casOnVersionAppliesOnlyAtThatVersion() {
    MiniCluster c = new MiniCluster(3);
    long first = c.submit(1, K, new Operation.CasVersion(0, A));
    c.deliverAll();
    assertThat(c.replies.get(first)).isEqualTo(new Applied(1, A));
    long stale = c.submit(2, K, new Operation.CasVersion(0, B));
    c.deliverAll();
    assertThat(c.replies.get(stale)).isEqualTo(new NotApplied(A, 1));
    long fresh = c.submit(2, K, new Operation.CasVersion(1, null));
    c.deliverAll();
    assertThat(c.replies.get(fresh)).isEqualTo(new Applied(2, null));
  }

  @Test
  void readStateFromBeforeARestartDoesNotAnswerANewQuery() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    // node 2 asks a read; the answers are delayed
    c.submit(2, K, new Operation.Read());
    c.deliverWhile(m -> m.message() instanceof PaxosMessage.ReadQuery);
    List<MiniCluster.InFlight> oldAnswers = List.copyOf(c.network);
    c.network.clear();
    // meanwhile B is written, and node 2 restarts with a new random source
    c.submit(0, K, new Operation.Put(B));
    c.deliverWhile(m -> m.to() != 2);
    c.network.clear(); // node 2 has not heard of B
    Replica old = c.replicas[2];
    c.replicas[2] =
        new Replica(
            2,
            ReplicaGroups.fixed(List.of(0, 1, 2)),
            old::state,
            bound -> bound - 1,
            PaxosConfig.DEFAULT,
            c.now);
    long read = c.submit(2, K, new Operation.Read());
    c.network.addAll(oldAnswers); // the delayed answers to the old incarnation arrive first
    c.deliverAll();
    assertThat(c.replies.get(read)).isEqualTo(new ReadOk(B, 2));
  }

  /**
   * Effects without a synced write are released at once, ahead of earlier effects still waiting for
   * their fsync (Effects' ordering rule). That is safe only if no such effects vouch for an
   * acceptor state a crash could lose: read reports and rejections need no write, while every
   * Promise and Accepted, even a repeated one, comes with a synced write of its own.
   */
  @Test
  void onlyAnswersThatVouchForNothingDurableLeaveWithoutASyncedWrite() {
    MiniCluster c = new MiniCluster(3);
    c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    // node 0 owns the fast ballot of instance 2; node 1 accepts B (not yet durable, say)
    c.submit(0, K, new Operation.Put(B));
    MiniCluster.InFlight accept =
        c.network.stream().filter(m -> m.to() == 1).findFirst().orElseThrow();
    Effects first = c.replicas[1].step(0, accept.message());
    assertThat(first.needsSync()).isTrue();
    assertThat(first.messages())
        .extracting(Effects.Envelope::message)
        .hasOnlyElementsOfType(Accepted.class);

    // the same Accept again (a duplicate): the answer must wait for a synced write again
    Effects again = c.replicas[1].step(0, accept.message());
    assertThat(again.needsSync()).isTrue();
    assertThat(again.messages())
        .extracting(Effects.Envelope::message)
        .hasOnlyElementsOfType(Accepted.class);

    // a read report of the accepted value needs no write: it only makes the reader complete B
    Effects read = c.replicas[1].step(2, new PaxosMessage.ReadQuery(K, 77, 1));
    assertThat(read.writes()).isEmpty();
    assertThat(read.messages())
        .extracting(Effects.Envelope::message)
        .singleElement()
        .isInstanceOfSatisfying(
            PaxosMessage.ReadState.class, r -> assertThat(r.accepted().value()).isEqualTo(B));

    // a prepare, then the same prepare again: both promises come with a synced write
    Prepare prepare = new Prepare(K, 2, new Ballot(5, 2));
    Effects promised = c.replicas[1].step(2, prepare);
    Effects promisedAgain = c.replicas[1].step(2, prepare);
    for (Effects e : List.of(promised, promisedAgain)) {
      assertThat(e.needsSync()).isTrue();
      assertThat(e.messages())
          .extracting(Effects.Envelope::message)
          .hasOnlyElementsOfType(Promise.class);
    }
    // a rejection vouches for nothing: no write
    Effects rejected = c.replicas[1].step(0, new Prepare(K, 2, new Ballot(4, 0)));
    assertThat(rejected.writes()).isEmpty();
    assertThat(rejected.messages())
        .extracting(Effects.Envelope::message)
        .hasOnlyElementsOfType(Reject.class);
  }
}
