package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.paxos.CasResult.Applied;
import io.quorumkv.replication.paxos.Outcome.Failed;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wake-up contract of {@link Effects#nextWakeupMillis}, driven the way {@code ReplicaNode}
 * drives it: one timer at the earliest time asked for since the last tick, nothing else ticks the
 * replica. Each input reports only what it started or rescheduled (a full scan of every request on
 * every input cost time proportional to the requests in flight), so a need that no input reported
 * would strand its request here: these tests would never see its reply.
 */
class WakeupContractTest {
  private static final Bytes A = Bytes.utf8("a");

  /** One replica driven by its timer only; its peers are simulated by the test. */
  private static final class TimerDriven {
    final MiniCluster cluster = new MiniCluster(3);
    long timer = Long.MAX_VALUE;
    int ticks;

    void absorb(int node, Effects e) {
      cluster.absorb(node, e);
      if (node == 0) {
        timer = Math.min(timer, e.nextWakeupMillis());
      }
    }

    long submit(Bytes key, Operation op, long deadlineAfter) {
      long opId = 1000 + cluster.replies.size() + cluster.log.size();
      absorb(
          0,
          cluster.replicas[0].submit(
              new ClientRequest(
                  opId,
                  key,
                  op,
                  op.isWrite() ? new RequestId(9, opId) : null,
                  false,
                  cluster.now + deadlineAfter),
              cluster.now));
      return opId;
    }

    /** Jumps the clock to the timer and ticks node 0, as the node runtime's one-shot timer does. */
    void fireTimer() {
      assertThat(timer)
          .as("a request is pending, so a wake-up must be asked for")
          .isNotEqualTo(Long.MAX_VALUE);
      cluster.now = Math.max(cluster.now, timer);
      timer = Long.MAX_VALUE;
      ticks++;
      absorb(0, cluster.replicas[0].tick(cluster.now));
    }

    void deliverAll() {
      while (!cluster.network.isEmpty()) {
        MiniCluster.InFlight m = cluster.network.poll();
        absorb(m.to(), cluster.replicas[m.to()].step(m.from(), m.message()));
      }
    }
  }

  @Test
  void everyRequestIsAnsweredByItsDeadlineWhenOnlyTheTimerTicks() {
    TimerDriven d = new TimerDriven();
    Map<Long, Long> deadlines = new LinkedHashMap<>();
    Map<Long, Long> answeredAt = new HashMap<>();
    // node 0 is cut off: every message it sends is lost. A long request holds key q (its attempts
    // time out at growing intervals); short ones queue behind it; others run on their own keys.
    Bytes q = Bytes.utf8("q");
    deadlines.put(d.submit(q, new Operation.Put(A), 20_000), d.cluster.now + 20_000);
    for (int i = 0; i < 6; i++) {
      d.cluster.now += 37;
      Bytes key = i % 2 == 0 ? q : Bytes.utf8("k" + i);
      long after = 300 + 700L * i;
      deadlines.put(d.submit(key, new Operation.Put(A), after), d.cluster.now + after);
      d.cluster.network.clear();
    }
    deadlines.put(d.submit(Bytes.utf8("r"), new Operation.Read(), 5_000), d.cluster.now + 5_000);
    d.cluster.network.clear();
    // once every other key is answered, only q's long request holds a timer, at intervals that
    // have grown to seconds; a request queued behind it now must still be answered by its deadline
    while (d.cluster.now < 6_000) {
      d.fireTimer();
      d.cluster.network.clear();
      for (long op : deadlines.keySet()) {
        if (d.cluster.replies.containsKey(op)) {
          answeredAt.putIfAbsent(op, d.cluster.now);
        }
      }
    }
    deadlines.put(d.submit(q, new Operation.Put(A), 150), d.cluster.now + 150);
    while (answeredAt.size() < deadlines.size()) {
      d.fireTimer();
      d.cluster.network.clear();
      for (long op : deadlines.keySet()) {
        if (d.cluster.replies.containsKey(op)) {
          answeredAt.putIfAbsent(op, d.cluster.now);
        }
      }
    }
    for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
      assertThat(d.cluster.replies.get(e.getKey())).isInstanceOf(Failed.class);
      assertThat(answeredAt.get(e.getKey())).as("op %d", e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void aBackoffAfterRejectionsRetriesAtItsOwnTimeWhenOnlyTheTimerTicks() {
    TimerDriven d = new TimerDriven();
    long first = d.submit(A, new Operation.Put(A), 60_000);
    d.deliverAll();
    assertThat(d.cluster.replies.get(first)).isInstanceOf(Applied.class);

    // nodes 1 and 2 promise node 1's ballot for instance 2 (its Prepare reaches them, nothing else
    // of that round is delivered)
    d.cluster.submit(1, A, new Operation.Put(Bytes.utf8("x")));
    d.cluster.deliverWhile(m -> m.message() instanceof PaxosMessage.Prepare && m.to() != 0);
    d.cluster.network.clear();

    // node 0's fast accept is rejected by both: it backs off in that input, not in a tick
    long started = d.cluster.now;
    long second = d.submit(A, new Operation.Put(Bytes.utf8("b")), 60_000);
    d.deliverAll();
    assertThat(d.cluster.replies).doesNotContainKey(second);
    d.fireTimer();
    assertThat(d.cluster.network)
        .as("the retry's prepare, sent at the backoff's time, before the attempt timeout")
        .anyMatch(m -> m.from() == 0 && m.message() instanceof PaxosMessage.Prepare);
    assertThat(d.cluster.now).isLessThan(started + PaxosConfig.DEFAULT.attemptTimeoutMillis());
    while (!d.cluster.replies.containsKey(second)) {
      d.deliverAll();
      if (!d.cluster.replies.containsKey(second)) {
        d.fireTimer();
      }
    }
    assertThat(d.cluster.replies.get(second)).isInstanceOf(Applied.class);
  }

  @Test
  void aLostAttemptIsRetriedWhenOnlyTheTimerTicks() {
    TimerDriven d = new TimerDriven();
    long first = d.submit(A, new Operation.Put(A), 60_000);
    d.deliverAll();
    assertThat(d.cluster.replies.get(first)).isInstanceOf(Applied.class);

    // the fast accept of the next write is lost: only its attempt timeout brings it back
    long second = d.submit(A, new Operation.Put(Bytes.utf8("b")), 60_000);
    d.cluster.network.clear();
    while (!d.cluster.replies.containsKey(second)) {
      d.fireTimer();
      d.deliverAll();
    }
    assertThat(d.cluster.replies.get(second)).isInstanceOf(Applied.class);
  }
}
