package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.replication.paxos.CasResult.Applied;
import io.quorumkv.replication.paxos.Outcome.ReadOk;
import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.ReadQuery;
import io.quorumkv.replication.paxos.PaxosMessage.Reject;
import io.quorumkv.replication.paxos.PaxosMessage.Stale;
import io.quorumkv.replication.paxos.PaxosMessage.Sync;
import io.quorumkv.replication.paxos.PaxosMessage.Synced;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The rules of PAXOS.md, "Moving a key between groups": epochs in ballots, the epoch check, joint
 * quorums, the fast ballot across epochs, settling, forgetting. Scripted on five hand-driven
 * replicas whose configuration the test changes.
 */
class ConfigurationChangeTest {
  private static final Bytes K = Bytes.utf8("k");
  private static final Bytes A = Bytes.utf8("a");
  private static final Bytes B = Bytes.utf8("b");

  /** Five replicas; each node has its own (adopted) configuration of every key. */
  private static final class Cluster {
    record InFlight(int from, int to, PaxosMessage message) {}

    final GroupConfig[] adopted = new GroupConfig[5];
    final Replica[] replicas = new Replica[5];
    final ArrayDeque<InFlight> network = new ArrayDeque<>();
    final Map<Long, Outcome> replies = new HashMap<>();
    final Map<Integer, List<Effects.Persist>> synced = new HashMap<>();
    long now = 1000;
    long nextOp = 1;

    Cluster(GroupConfig initial) {
      for (int i = 0; i < 5; i++) {
        int node = i;
        adopted[i] = initial;
        replicas[i] =
            new Replica(i, k -> adopted[node], k -> null, bound -> 0, PaxosConfig.DEFAULT, now);
      }
    }

    void absorb(int node, Effects e) {
      for (Effects.Persist p : e.writes()) {
        if (p.sync()) {
          synced.computeIfAbsent(node, n -> new java.util.ArrayList<>()).add(p);
        }
      }
      for (Effects.Envelope env : e.messages()) {
        network.add(new InFlight(node, env.to(), env.message()));
      }
      for (Effects.ClientReply r : e.replies()) {
        replies.put(r.opId(), r.outcome());
      }
    }

    void adopt(int node, GroupConfig config) {
      adopted[node] = config;
      absorb(node, replicas[node].configurationChanged(now));
    }

    void adoptAll(GroupConfig config) {
      for (int i = 0; i < 5; i++) {
        adopt(i, config);
      }
    }

    long submit(int node, Operation op) {
      long opId = nextOp++;
      RequestId id = op.isWrite() ? new RequestId(100 + node, opId) : null;
      absorb(
          node, replicas[node].submit(new ClientRequest(opId, K, op, id, false, now + 5000), now));
      return opId;
    }

    void deliverWhile(Predicate<InFlight> filter) {
      boolean progress = true;
      while (progress) {
        progress = false;
        for (int i = 0, n = network.size(); i < n; i++) {
          InFlight m = network.poll();
          if (filter.test(m)) {
            absorb(m.to(), replicas[m.to()].step(m.from(), m.message()));
            progress = true;
          } else {
            network.add(m);
          }
        }
      }
    }

    void deliverAll() {
      deliverWhile(m -> true);
    }
  }

  private static GroupConfig stable(long epoch, Integer... nodes) {
    return GroupConfig.stable(epoch, List.of(nodes));
  }

  private static GroupConfig joint(long epoch, List<Integer> from, List<Integer> to) {
    return new GroupConfig(epoch, from, to);
  }

  @Test
  void ballotsOrderByEpochFirst() {
    assertThat(new Ballot(2, 2, 0).greaterThan(new Ballot(1, 99, 4))).isTrue();
    assertThat(Ballot.fast(3, 0).greaterThan(new Ballot(2, 50, 1))).isTrue();
    assertThat(new Ballot(7, 1)).isEqualTo(new Ballot(0, 7, 1));
    assertThatThrownBy(() -> new Ballot(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jointQuorumsNeedAMajorityOfBothGroups() {
    GroupConfig g = joint(2, List.of(0, 1, 2), List.of(0, 3, 4));
    assertThat(g.members()).containsExactly(0, 1, 2, 3, 4);
    assertThat(g.hasQuorum(List.of(0, 1, 2))).isFalse();
    assertThat(g.hasQuorum(List.of(1, 2, 3, 4))).isTrue();
    assertThat(g.hasQuorum(List.of(0, 1, 3))).isTrue();
    assertThat(g.quorumUnreachable(List.of(3, 4))).isTrue();
    assertThat(g.quorumUnreachable(List.of(1, 3))).isFalse();

    // A write through node 0 with nodes 3 and 4 cut off: G alone is no quorum any more.
    Cluster c = new Cluster(g);
    long op = c.submit(0, new Operation.Put(A));
    c.deliverWhile(m -> m.to() != 3 && m.to() != 4 && m.from() != 3 && m.from() != 4);
    assertThat(c.replies).doesNotContainKey(op);
    c.deliverAll();
    assertThat(c.replies.get(op)).isInstanceOf(Applied.class);
  }

  @Test
  void requestsOfAnOlderEpochGetStaleAndChangeNothing() {
    Cluster c = new Cluster(stable(3, 0, 1, 2));
    Replica r = c.replicas[1];
    Effects prepare = r.step(0, new Prepare(K, 1, new Ballot(2, 5, 0)));
    assertThat(prepare.writes()).isEmpty();
    assertThat(prepare.messages())
        .extracting(Effects.Envelope::message)
        .containsExactly(new Stale(K, 3));
    Effects read = r.step(0, new ReadQuery(K, 9, 0, 2));
    assertThat(read.messages())
        .extracting(Effects.Envelope::message)
        .containsExactly(new Stale(K, 3));
    // a newer epoch than this node adopted: silence until it has
    assertThat(r.step(0, new Prepare(K, 1, new Ballot(4, 2, 0))).isEmpty()).isTrue();
    // the adopted epoch: an ordinary promise
    assertThat(r.step(0, new Prepare(K, 1, new Ballot(3, 2, 0))).writes()).hasSize(1);
  }

  @Test
  void aCoordinatorAtAnOlderEpochIsRefusedThenRestartsUnderTheNewOne() {
    Cluster c = new Cluster(stable(1, 0, 1, 2));
    c.adopt(1, stable(2, 0, 1, 2));
    c.adopt(2, stable(2, 0, 1, 2));
    long op = c.submit(0, new Operation.Put(A));
    c.deliverAll();
    assertThat(c.replies).doesNotContainKey(op); // Stale from 1 and 2: backing off
    c.adopt(0, stable(2, 0, 1, 2));
    c.deliverAll();
    assertThat(c.replies.get(op)).isInstanceOf(Applied.class);
    assertThat(c.replicas[1].state(K).chosen()).isNotNull();
  }

  @Test
  void aFastBallotOfANewerEpochNeverOverwritesWhatAnOlderEpochAccepted() {
    Proposal first = Proposal.next(null, 1, A, new RequestId(7, 1), 0, 8);
    KeyState s = KeyState.EMPTY.learn(1, first);
    Proposal p1 = Proposal.next(first, 2, B, new RequestId(7, 2), 0, 8);
    // node 0 fast-accepted p1 here in epoch 1, then (removed and re-added empty) tries again in 3
    KeyState accepted = Acceptor.accept(s, new Accept(K, 2, Ballot.fast(1, 0), p1)).state();
    Proposal p2 = Proposal.next(first, 2, A, new RequestId(7, 3), 0, 8);
    Acceptor.Result again = Acceptor.accept(accepted, new Accept(K, 2, Ballot.fast(3, 0), p2));
    assertThat(again.state()).isNull();
    assertThat(again.reply()).isInstanceOf(Reject.class);
    // on a pristine instance the newer epoch's fast ballot is fine
    assertThat(Acceptor.accept(s, new Accept(K, 2, Ballot.fast(3, 0), p2)).state()).isNotNull();
  }

  @Test
  void settleMakesTheLatestValueDurableAtAMajorityOfTheNextGroupBeforeItAnswers() {
    Cluster c = new Cluster(stable(1, 0, 1, 2));
    long put = c.submit(0, new Operation.Put(A));
    c.deliverAll();
    assertThat(c.replies.get(put)).isInstanceOf(Applied.class);

    GroupConfig moving = joint(2, List.of(0, 1, 2), List.of(0, 1, 3));
    c.adoptAll(moving);
    c.synced.clear();
    long settle = c.submit(1, new Operation.Settle(2));
    // only the coordinator's own Synced counts so far: one of three members of the next group
    c.deliverWhile(m -> !(m.message() instanceof Synced));
    assertThat(c.replies).doesNotContainKey(settle);
    c.deliverAll();
    assertThat(c.replies.get(settle)).isEqualTo(new ReadOk(A, 1));
    assertThat(c.synced.get(3))
        .as("node 3 wrote version 1 with an fsync")
        .anyMatch(p -> p.state().version() == 1);

    // the new group alone now answers the value, node 2 forgets the key
    c.adoptAll(stable(3, 0, 1, 3));
    c.replicas[2].forget(K);
    long read = c.submit(3, new Operation.Read());
    c.deliverAll();
    assertThat(c.replies.get(read)).isEqualTo(new ReadOk(A, 1));
  }

  @Test
  void settleFailsUnlessTheKeyIsMovingAtItsEpoch() {
    Cluster c = new Cluster(stable(1, 0, 1, 2));
    long op = c.submit(0, new Operation.Settle(2));
    assertThat(c.replies.get(op)).isInstanceOf(Outcome.Failed.class);
  }

  @Test
  void syncOfAnOlderVersionStillAnswersWithWhatIsDurable() {
    Cluster c = new Cluster(stable(1, 0, 1, 2));
    c.submit(0, new Operation.Put(A));
    c.deliverAll();
    Proposal chosen = c.replicas[1].state(K).chosen();
    Effects e = c.replicas[1].step(0, new Sync(K, 1, chosen));
    assertThat(e.writes()).singleElement().matches(Effects.Persist::sync);
    assertThat(e.messages())
        .extracting(Effects.Envelope::message)
        .containsExactly(new Synced(K, 1));
  }

  @Test
  void aNodeForgetsOnlyKeysItNoLongerReplicates() {
    Cluster c = new Cluster(stable(1, 0, 1, 2));
    assertThatThrownBy(() -> c.replicas[0].forget(K)).isInstanceOf(IllegalStateException.class);
    c.adopt(0, stable(2, 1, 2, 3));
    c.replicas[0].forget(K);
    long op = c.submit(0, new Operation.Read());
    assertThat(c.replies.get(op)).isInstanceOf(Outcome.Failed.class);
  }

  @Test
  void keyStateRecordsWithoutEpochsStillDecode() {
    // format 1: version 0, promised 3.1, accepted 0.0
    KeyState s = KeyStateCodec.decode(new byte[] {1, 0, 3, 1, 0, 0});
    assertThat(s.promised()).isEqualTo(new Ballot(0, 3, 1));
    KeyState withEpoch = KeyState.EMPTY.promise(new Ballot(5, 3, 1));
    assertThat(KeyStateCodec.decode(KeyStateCodec.encode(withEpoch))).isEqualTo(withEpoch);
  }
}
