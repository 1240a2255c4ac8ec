package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.replication.paxos.CasResult.Applied;
import io.quorumkv.replication.paxos.Outcome.Failed;
import io.quorumkv.replication.paxos.Outcome.ReadOk;
import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.ReadQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of PAXOS.md, "A replica that lost its disk", one test each. */
class FenceTest {
  private static final Bytes K = Bytes.utf8("k");
  private static final Bytes A = Bytes.utf8("a");
  private static final Bytes B = Bytes.utf8("b");

  private static Proposal next(Proposal prev, long version, Bytes value, int origin) {
    return Proposal.next(prev, version, value, new RequestId(9, version), origin, 8);
  }

  private static KeyState at(long version, int origin) {
    KeyState s = KeyState.EMPTY;
    Proposal p = null;
    for (long v = 1; v <= version; v++) {
      p = next(p, v, v % 2 == 0 ? B : A, origin);
      s = s.learn(v, p);
    }
    return s;
  }

  @Test
  void aFencedAcceptorIsSilentButStillTeachesDecidedInstances() {
    KeyState s = Fence.rebuild(Fence.UNKNOWN, List.of(at(3, 1), at(3, 2)));
    assertThat(Fence.isFenced(s)).isTrue();
    assertThat(s.version()).isEqualTo(3);
    Proposal p = next(s.chosen(), 4, B, 1);
    assertThat(Acceptor.prepare(s, new Prepare(K, 4, new Ballot(9, 1)))).isEqualTo(nothing());
    assertThat(Acceptor.accept(s, new Accept(K, 4, new Ballot(9, 1), p))).isEqualTo(nothing());
    assertThat(Acceptor.read(s, new ReadQuery(K, 1, 0))).isNull();
    // an instance it knows decided: the answer is a fact, not a vote
    assertThat(Acceptor.prepare(s, new Prepare(K, 2, new Ballot(9, 1))).reply())
        .isInstanceOf(PaxosMessage.Commit.class);
  }

  private static Acceptor.Result nothing() {
    return new Acceptor.Result(null, null);
  }

  @Test
  void theFenceReachesOnePastTheHighestInstanceAnyPeerAcceptedInOrLearned() {
    // both peers at 3, nothing in flight: fenced in instance 4 only
    KeyState quiet = Fence.rebuild(Fence.UNKNOWN, List.of(at(3, 1), at(2, 1)));
    assertThat(quiet.version()).isEqualTo(3);
    assertThat(Acceptor.learn(quiet, 4, next(quiet.chosen(), 4, A, 1)).promised().isZero())
        .isTrue();

    // a peer accepted in instance 4: W may have voted in 5, so fenced through 5
    KeyState inFlight = at(3, 1).accept(new Ballot(5, 2), next(at(3, 1).chosen(), 4, B, 2));
    KeyState deep = Fence.rebuild(Fence.UNKNOWN, List.of(inFlight, at(3, 1)));
    KeyState after4 = Acceptor.learn(deep, 4, next(deep.chosen(), 4, B, 2));
    assertThat(Fence.isFenced(after4)).isTrue();
    KeyState after5 = Acceptor.learn(after4, 5, next(after4.chosen(), 5, A, 2));
    assertThat(Fence.isFenced(after5)).isFalse();
    // the round floor covers every promise a peer at the copied version had made
    assertThat(deep.promised().round()).isEqualTo(5);

    // learning far ahead lifts the fence at once; an unknown fence is only ever lifted by a copy
    assertThat(Fence.isFenced(Acceptor.learn(deep, 9, at(9, 1).chosen()))).isFalse();
    KeyState unknown = Acceptor.learn(Fence.UNKNOWN, 9, at(9, 1).chosen());
    assertThat(Fence.isUnknown(unknown)).isTrue();
    assertThat(unknown.version()).isEqualTo(9);
  }

  @Test
  void aRebuiltPeerVouchesOnlyForWhatItsOwnFenceCovers() {
    KeyState rebuiltPeer =
        Fence.rebuild(
            Fence.UNKNOWN,
            List.of(at(3, 1).accept(new Ballot(2, 1), next(at(3, 1).chosen(), 4, A, 1)), at(3, 1)));
    // the peer is fenced through instance 5 (version 3, depth 2): W may have voted in up to 6
    KeyState w = Fence.rebuild(Fence.UNKNOWN, List.of(rebuiltPeer, at(3, 1)));
    KeyState after5 = Acceptor.learn(w, 5, at(5, 1).chosen());
    assertThat(Fence.isFenced(after5)).isTrue();
    assertThat(Fence.isFenced(Acceptor.learn(after5, 6, at(6, 1).chosen()))).isFalse();
    assertThatThrownBy(() -> Fence.rebuild(Fence.UNKNOWN, List.of(Fence.UNKNOWN, at(3, 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCopyIsIdempotentAndNeverTouchesANormalState() {
    KeyState once = Fence.rebuild(Fence.UNKNOWN, List.of(at(3, 1), at(3, 2)));
    assertThat(Fence.rebuild(once, List.of(at(4, 1), at(4, 2)))).isNull();
    assertThat(Fence.rebuild(at(2, 1), List.of(at(4, 1), at(4, 2)))).isNull();
  }

  @Test
  void aRebuildingNodeCoordinatesOnlyCopiedKeysAndNeverOnTheFastPath() {
    MiniCluster c = new MiniCluster(3);
    // node 0 wrote version 1, so it owns the fast ballot of instance 2 everywhere
    long w1 = c.submit(0, K, new Operation.Put(A));
    c.deliverAll();
    assertThat(c.replies.get(w1)).isInstanceOf(Applied.class);
    // node 0 loses its disk: every key is unknown until copied
    c.replicas[0] =
        new Replica(
            0,
            ReplicaGroups.fixed(List.of(0, 1, 2)),
            k -> Fence.UNKNOWN,
            bound -> 0,
            PaxosConfig.DEFAULT,
            c.now);
    long early = c.submit(0, K, new Operation.Put(B));
    assertThat(c.replies.get(early)).isInstanceOf(Failed.class);
    assertThat(c.network).isEmpty();

    c.absorb(0, c.replicas[0].rebuild(K, List.of(c.state(1, K), c.state(2, K))));
    assertThat(c.state(0, K).chosen().origin()).isEqualTo(0);
    long w2 = c.submit(0, K, new Operation.Put(B));
    // origin is node 0, but the fence forbids the fast path: a prepare, not an accept, goes out
    assertThat(c.network).allMatch(m -> m.message() instanceof Prepare);
    c.deliverAll();
    assertThat(c.replies.get(w2)).isEqualTo(new Applied(2, B));
    // instance 2 decided by the others: the fence is gone, node 0 votes again
    assertThat(Fence.isFenced(c.state(0, K))).isFalse();
    long r = c.submit(1, K, new Operation.Read());
    c.deliverAll();
    assertThat(c.replies.get(r)).isEqualTo(new ReadOk(B, 2));
  }
}
