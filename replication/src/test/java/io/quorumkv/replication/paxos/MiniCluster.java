package io.quorumkv.replication.paxos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for scripted protocol tests: messages queue up until a test delivers, drops
 * or inspects them; writes are durable at once; replies are collected.
 */
final class MiniCluster {
  record InFlight(int from, int to, PaxosMessage message) {}

  final Replica[] replicas;
  final ArrayDeque<InFlight> network = new ArrayDeque<>();
  final Map<Long, Outcome> replies = new HashMap<>();
  final List<Effects> log = new ArrayList<>();
  long now = 1000;
  private long nextOp = 1;
  private long nextSeq = 1;

  MiniCluster(int n) {
    List<Integer> group = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      group.add(i);
    }
    replicas = new Replica[n];
    for (int i = 0; i < n; i++) {
      replicas[i] =
          new Replica(
              i, ReplicaGroups.fixed(group), k -> null, bound -> 0, PaxosConfig.DEFAULT, now);
    }
  }

  void absorb(int node, Effects e) {
    log.add(e);
    for (Effects.Envelope env : e.messages()) {
      network.add(new InFlight(node, env.to(), env.message()));
    }
    for (Effects.ClientReply r : e.replies()) {
      replies.put(r.opId(), r.outcome());
    }
  }

  long submit(int node, Bytes key, Operation op) {
    return submit(node, key, op, new RequestId(node + 100, nextSeq++), false);
  }

  long submit(int node, Bytes key, Operation op, RequestId id, boolean retry) {
    long opId = nextOp++;
    absorb(
        node,
        replicas[node].submit(
            new ClientRequest(opId, key, op, op.isWrite() ? id : null, retry, now + 5000), now));
    return opId;
  }

  /** Delivers queued messages (and those they cause) until none match {@code filter}. */
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

  void dropWhere(Predicate<InFlight> filter) {
    network.removeIf(filter);
  }

  void tick(long advance) {
    now += advance;
    for (int i = 0; i < replicas.length; i++) {
      absorb(i, replicas[i].tick(now));
    }
  }

  KeyState state(int node, Bytes key) {
    return replicas[node].state(key);
  }
}
