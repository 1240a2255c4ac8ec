package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.paxos.CasResult.Applied;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * PAXOS.md rule 6, the attempt timeout doubling per retry (commit 4352b85). An attempt's answers
 * arrive only after two synced writes in a row (the coordinator's own promise or fast accept, then
 * the acceptors'); when persisting takes longer than the base attempt timeout, a fixed timeout
 * abandons every attempt just before its answers arrive, and each retry adds more synced writes: a
 * livelock. Here every synced write takes 250 ms against a 100 ms base timeout, on a virtual clock:
 * the write must still be applied, long before its deadline.
 */
class SlowPersistLivenessTest {
  private static final long PERSIST_MILLIS = 250;
  private static final Bytes K = Bytes.utf8("k");

  private record Event(long at, long seq, Runnable action) {}

  private final PriorityQueue<Event> events =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Replica[] replicas = new Replica[3];
  private final long[] durableUntil = new long[3];
  private final long[] timer = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
  private final Map<Long, Outcome> replies = new HashMap<>();
  private long now = 1000;
  private long seq;

  private void at(long time, Runnable action) {
    events.add(new Event(time, seq++, action));
  }

  /** Carries out effects as the node runtime does, with every fsync taking PERSIST_MILLIS. */
  private void process(int node, Effects e) {
    if (e.nextWakeupMillis() < timer[node]) {
      timer[node] = e.nextWakeupMillis();
      long wake = timer[node];
      at(
          wake,
          () -> {
            if (timer[node] == wake) {
              timer[node] = Long.MAX_VALUE;
              process(node, replicas[node].tick(now));
            }
          });
    }
    long release = now;
    if (e.needsSync()) {
      // fsyncs of one node complete in order, each taking PERSIST_MILLIS
      durableUntil[node] = Math.max(durableUntil[node], now) + PERSIST_MILLIS;
      release = durableUntil[node];
    }
    at(
        release,
        () -> {
          for (Effects.Envelope env : e.messages()) {
            at(now + 1, () -> process(env.to(), replicas[env.to()].step(node, env.message())));
          }
          for (Effects.ClientReply r : e.replies()) {
            replies.put(r.opId(), r.outcome());
          }
        });
  }

  private Outcome run(long opId, Bytes value, long deadline) {
    process(
        0,
        replicas[0].submit(
            new ClientRequest(
                opId, K, new Operation.Put(value), new RequestId(5, opId), false, deadline),
            now));
    while (!replies.containsKey(opId)) {
      Event ev = events.poll();
      now = Math.max(now, ev.at);
      ev.action.run();
    }
    return replies.get(opId);
  }

  @Test
  void writesCompleteWhenEveryFsyncOutlastsTheBaseAttemptTimeout() {
    assertThat(PaxosConfig.DEFAULT.attemptTimeoutMillis()).isLessThan(PERSIST_MILLIS);
    List<Integer> group = List.of(0, 1, 2);
    for (int i = 0; i < 3; i++) {
      replicas[i] =
          new Replica(
              i, ReplicaGroups.fixed(group), k -> null, bound -> 0, PaxosConfig.DEFAULT, now);
    }
    List<Outcome> outcomes = new ArrayList<>();
    // a first write (prepare + accept: four synced writes in a row) and a fast-path overwrite
    outcomes.add(run(1, Bytes.utf8("a"), now + 30_000));
    outcomes.add(run(2, Bytes.utf8("b"), now + 30_000));
    assertThat(outcomes).allMatch(Applied.class::isInstance);
    assertThat(replicas[0].state(K).value()).isEqualTo(Bytes.utf8("b"));
  }
}
