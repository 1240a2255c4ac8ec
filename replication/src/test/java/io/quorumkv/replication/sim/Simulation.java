package io.quorumkv.replication.sim;

import io.quorumkv.replication.check.HistoryOp;
import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryRecorder;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.ClientRequest;
import io.quorumkv.replication.paxos.Effects;
import io.quorumkv.replication.paxos.KeyState;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.PaxosConfig;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.paxos.Proposal;
import io.quorumkv.replication.paxos.Replica;
import io.quorumkv.replication.paxos.ReplicaGroups;
import io.quorumkv.replication.paxos.RequestId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * One deterministic run: {@code replicas} nodes in one static group, clients issuing reads, puts,
 * deletes, CAS and read-modify-write updates on a few keys, and a nemesis that drops, duplicates,
 * delays and reorders messages, partitions nodes and crashes them (losing unsynced writes).
 * Everything random comes from one {@link Random} seeded with the run's seed, and time is
 * simulated, so a seed replays exactly.
 */
final class Simulation {

  /**
   * Knobs of a run.
   *
   * @param replicas group size (3 or 5)
   * @param clients concurrent client threads
   * @param keys number of keys
   * @param opsPerClient operations each client issues
   * @param dropRate probability a message is lost
   * @param dupRate probability a message is delivered twice
   * @param crashes whether the nemesis crashes nodes
   * @param partitions whether the nemesis partitions nodes
   * @param amnesia a deliberately broken disk that forgets even synced writes on crash, to prove
   *     the checker catches the resulting bugs
   * @param allLazy a deliberately broken node that treats every write as lazy (promises and accepts
   *     too), to prove the simulator's lazy-write model can lose what matters
   */
  record Config(
      int replicas,
      int clients,
      int keys,
      int opsPerClient,
      double dropRate,
      double dupRate,
      boolean crashes,
      boolean partitions,
      boolean amnesia,
      boolean allLazy) {

    /** A configuration with every write's durability as the replica asks. */
    Config(
        int replicas,
        int clients,
        int keys,
        int opsPerClient,
        double dropRate,
        double dupRate,
        boolean crashes,
        boolean partitions,
        boolean amnesia) {
      this(
          replicas,
          clients,
          keys,
          opsPerClient,
          dropRate,
          dupRate,
          crashes,
          partitions,
          amnesia,
          false);
    }

    /** The default faulty configuration for {@code replicas} nodes. */
    static Config faulty(int replicas) {
      return new Config(replicas, 5, 3, 20, 0.05, 0.03, true, true, false);
    }
  }

  /**
   * What a run produced.
   *
   * @param history the client history
   * @param violation a safety violation found while running (two proposals chosen for one version),
   *     or {@code null}
   * @param messages messages sent
   * @param crashes node crashes
   * @param simMillis simulated time
   * @param finalReadsOk whether the post-heal reads all completed (liveness)
   */
  record Run(
      List<HistoryOp> history,
      String violation,
      long messages,
      int crashes,
      long simMillis,
      boolean finalReadsOk) {}

  private static final long CLIENT_TIMEOUT = 400;
  private static final long COORDINATOR_TIMEOUT = 300;
  private static final int MAX_ATTEMPTS = 3;
  private static final long TICK = 5;
  private static final long TIME_LIMIT = 120_000;

  private final long seed;
  private final Config cfg;
  private final Random rnd;
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final Node[] nodes;
  private final ReplicaGroups groups;
  private final PaxosConfig paxos = new PaxosConfig(60, 4, 64, 8);
  private final HistoryRecorder recorder = new HistoryRecorder();
  private final Map<Long, Client.Attempt> attempts = new HashMap<>();
  private final Map<String, Proposal> chosenLog = new HashMap<>();
  private final Set<Long> blocked = new HashSet<>();
  private final List<Bytes> keys = new ArrayList<>();
  private long now;
  private long seq;
  private long nextOpId = 1;
  private long messages;
  private int crashes;
  private int activeClients;
  private int nextProcess;
  private String violation;
  private boolean healed;
  final StringBuilder debug = new StringBuilder();

  Simulation(long seed, Config cfg) {
    this.seed = seed;
    this.cfg = cfg;
    this.rnd = new Random(seed);
    List<Integer> group = new ArrayList<>();
    for (int i = 0; i < cfg.replicas(); i++) {
      group.add(i);
    }
    this.groups = ReplicaGroups.fixed(group);
    this.nodes = new Node[cfg.replicas()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node(i);
      nodes[i].start();
    }
    for (int k = 0; k < cfg.keys(); k++) {
      keys.add(Bytes.utf8("k" + k));
    }
  }

  long seed() {
    return seed;
  }

  // ------------------------------------------------------------------ event loop

  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private void at(long time, Runnable action) {
    events.add(new Event(Math.max(time, now), seq++, action));
  }

  Run run() {
    for (Node n : nodes) {
      scheduleTick(n);
    }
    for (int c = 0; c < cfg.clients(); c++) {
      Client client = new Client(c);
      activeClients++;
      at(rnd.nextInt(20), client::next);
    }
    if (cfg.crashes() || cfg.partitions()) {
      at(50 + rnd.nextInt(200), this::nemesis);
    }
    while (!events.isEmpty() && activeClients > 0 && violation == null && now < TIME_LIMIT) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    boolean finalOk = violation != null || healAndReadAll();
    return new Run(recorder.history(), violation, messages, crashes, now, finalOk);
  }

  /** Heals every fault, then reads each key through every node: all must complete. */
  private boolean healAndReadAll() {
    healed = true;
    blocked.clear();
    for (Node n : nodes) {
      if (n.replica == null) {
        n.start();
        scheduleTick(n);
      }
    }
    int[] pending = {0};
    boolean[] ok = {true};
    for (Node n : nodes) {
      for (Bytes key : keys) {
        pending[0]++;
        long opId = nextOpId++;
        int h = recorder.invoke(nextProcess++ + 1000, key, Kind.READ, null, null);
        attempts.put(
            opId,
            new Client.Attempt(
                null,
                outcome -> {
                  pending[0]--;
                  if (outcome instanceof Outcome.ReadOk r) {
                    recorder.okRead(h, r.value(), r.version());
                  } else {
                    ok[0] = false;
                    recorder.fail(h);
                    debug
                        .append("final read of ")
                        .append(key)
                        .append(" at node ")
                        .append(n.id)
                        .append(": ")
                        .append(outcome)
                        .append('\n');
                  }
                }));
        n.process(
            n.replica.submit(
                new ClientRequest(opId, key, new Operation.Read(), null, false, now + 10_000),
                now));
      }
    }
    long limit = now + 20_000;
    while (!events.isEmpty() && pending[0] > 0 && violation == null && now < limit) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    if (pending[0] > 0) {
      debug.append(pending[0]).append(" final reads pending at ").append(now).append('\n');
    }
    if (!(ok[0] && pending[0] == 0)) {
      for (Node n : nodes) {
        for (Bytes key : keys) {
          debug
              .append("node ")
              .append(n.id)
              .append(' ')
              .append(key)
              .append(": ")
              .append(n.replica.state(key))
              .append('\n');
        }
      }
    }
    return ok[0] && pending[0] == 0;
  }

  private void scheduleTick(Node n) {
    int inc = n.incarnation;
    at(
        now + TICK,
        () -> {
          if (n.replica != null && n.incarnation == inc) {
            n.process(n.replica.tick(now));
            scheduleTick(n);
          }
        });
  }

  // ------------------------------------------------------------------ nemesis

  private void nemesis() {
    if (healed) {
      return;
    }
    int choice = rnd.nextInt(10);
    if (cfg.partitions() && choice < 3) {
      blocked.clear();
      if (choice == 0) {
        isolate(rnd.nextInt(nodes.length));
      } else if (choice == 1) {
        // random split: a minority side and the rest
        int a = rnd.nextInt(nodes.length);
        int b = rnd.nextInt(nodes.length);
        isolate(a);
        if (nodes.length > 3) {
          for (int i = 0; i < nodes.length; i++) {
            if (i != a && i != b) {
              block(b, i);
            }
          }
        }
      } else {
        // one-way / asymmetric cut of one link
        int a = rnd.nextInt(nodes.length);
        int b = rnd.nextInt(nodes.length);
        if (a != b) {
          blocked.add(link(a, b));
        }
      }
    } else if (choice < 5) {
      blocked.clear();
    } else if (cfg.crashes() && choice < 8) {
      int down = 0;
      for (Node n : nodes) {
        down += n.replica == null ? 1 : 0;
      }
      Node victim = nodes[rnd.nextInt(nodes.length)];
      if (victim.replica != null && down < (nodes.length - 1) / 2 + (rnd.nextInt(4) == 0 ? 1 : 0)) {
        victim.crash();
        at(
            now + 20 + rnd.nextInt(400),
            () -> {
              if (victim.replica == null) {
                victim.start();
                scheduleTick(victim);
              }
            });
      }
    }
    at(now + 50 + rnd.nextInt(300), this::nemesis);
  }

  private void isolate(int a) {
    for (int i = 0; i < nodes.length; i++) {
      if (i != a) {
        block(a, i);
      }
    }
  }

  private void block(int a, int b) {
    blocked.add(link(a, b));
    blocked.add(link(b, a));
  }

  private static long link(int from, int to) {
    return ((long) from << 32) | to;
  }

  // ------------------------------------------------------------------ nodes, disks, network

  /** A simulated machine: a replica, its disk and the effects waiting for an fsync. */
  private final class Node {
    final int id;
    final Map<Bytes, byte[]> disk = new HashMap<>();
    Replica replica;
    int incarnation;
    long lastSyncAt;

    /** Lazy (unsynced) writes not on the disk yet, in the order they were written. */
    final java.util.ArrayDeque<LazyWrite> unsynced = new java.util.ArrayDeque<>();

    /** Per synced Effects still waiting for its fsync: the last lazy write issued before it. */
    final java.util.ArrayDeque<Long> pendingSyncs = new java.util.ArrayDeque<>();

    long lazySeq;

    Node(int id) {
      this.id = id;
    }

    void start() {
      incarnation++;
      lastSyncAt = now;
      replica =
          new Replica(
              id,
              groups,
              key -> {
                byte[] b = disk.get(key);
                return b == null ? null : KeyStateCodec.decode(b);
              },
              bound -> rnd.nextLong(bound),
              paxos,
              now);
    }

    void crash() {
      crashes++;
      // Unsynced writes may still have reached the disk: a prefix (in write order) of those issued
      // before the first synced batch still waiting for its fsync (later ones queue behind it).
      long bound = pendingSyncs.isEmpty() ? Long.MAX_VALUE : pendingSyncs.peek();
      int eligible = 0;
      for (LazyWrite w : unsynced) {
        if (w.seq() > bound) {
          break;
        }
        eligible++;
      }
      int keep = rnd.nextInt(eligible + 1);
      for (int i = 0; i < keep; i++) {
        LazyWrite w = unsynced.poll();
        disk.put(w.key(), KeyStateCodec.encode(w.state()));
      }
      unsynced.clear();
      pendingSyncs.clear();
      replica = null;
      incarnation++; // pending fsyncs and held messages of the old incarnation are lost
      if (cfg.amnesia()) {
        disk.clear();
      }
    }

    /**
     * Carries out effects under their ordering rule: fsync, then release. Effects without a synced
     * write (none, or only lazy ones recording learned values) are released at once; their writes
     * reach the disk with the next fsync, or (a prefix of them) at a crash, or never.
     */
    void process(Effects e) {
      if (e.isEmpty()) {
        return;
      }
      for (Effects.Persist p : e.writes()) {
        checkAgreement(p.key(), p.state());
      }
      boolean sync = e.needsSync() && !cfg.allLazy();
      if (!sync) {
        for (Effects.Persist p : e.writes()) {
          unsynced.add(new LazyWrite(++lazySeq, p.key(), p.state()));
        }
      }
      long releaseAt = now;
      if (sync) {
        // Synced effects are released in order: each fsync also covers every earlier write.
        releaseAt = Math.max(lastSyncAt, now + 1 + rnd.nextInt(3));
        lastSyncAt = releaseAt;
      }
      // Effects without a synced write leave at once, even ahead of earlier effects still waiting
      // for their fsync (Effects' ordering rule): they vouch for nothing a crash could lose.
      int inc = incarnation;
      long upTo = lazySeq;
      if (sync) {
        pendingSyncs.add(upTo);
      }
      Runnable release =
          () -> {
            if (incarnation != inc) {
              return; // crashed before the fsync: writes, messages and replies are lost
            }
            if (sync) {
              pendingSyncs.poll();
              // The fsync also makes every lazy write issued before this batch durable.
              while (!unsynced.isEmpty() && unsynced.peek().seq() <= upTo) {
                LazyWrite w = unsynced.poll();
                disk.put(w.key(), KeyStateCodec.encode(w.state()));
              }
              for (Effects.Persist p : e.writes()) {
                disk.put(p.key(), KeyStateCodec.encode(p.state()));
              }
            }
            for (Effects.Envelope env : e.messages()) {
              send(id, env.to(), env.message());
            }
            for (Effects.ClientReply r : e.replies()) {
              Client.Attempt a = attempts.remove(r.opId());
              if (a != null) {
                a.onReply().accept(r.outcome());
              }
            }
          };
      if (releaseAt == now && !sync) {
        release.run();
      } else {
        at(releaseAt, release);
      }
    }
  }

  /** A lazy write waiting for an fsync. */
  private record LazyWrite(long seq, Bytes key, KeyState state) {}

  /** Safety invariant checked continuously: one proposal per (key, version), cluster-wide. */
  private void checkAgreement(Bytes key, KeyState s) {
    if (s.version() == 0) {
      return;
    }
    Proposal prev = chosenLog.putIfAbsent(key + "@" + s.version(), s.chosen());
    if (prev != null && !prev.equals(s.chosen()) && violation == null) {
      violation =
          "two proposals chosen for "
              + key
              + " version "
              + s.version()
              + ": "
              + prev
              + " and "
              + s.chosen();
    }
  }

  private void send(int from, int to, PaxosMessage m) {
    messages++;
    int copies = rnd.nextDouble() < cfg.dupRate() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      if (rnd.nextDouble() < cfg.dropRate()) {
        continue;
      }
      long delay = 1 + rnd.nextInt(8);
      if (rnd.nextInt(20) == 0) {
        delay += 20 + rnd.nextInt(150); // a slow path: reorders behind later messages
      }
      at(
          now + delay,
          () -> {
            Node n = nodes[to];
            if (n.replica != null && !blocked.contains(link(from, to))) {
              n.process(n.replica.step(from, m));
            }
          });
    }
  }

  // ------------------------------------------------------------------ clients

  /** A Jepsen-style client thread: one operation at a time, retries with the same request id. */
  private final class Client {
    record Attempt(Client client, java.util.function.Consumer<Outcome> onReply) {}

    final int id;
    int process;
    int done;
    long requestSeq;
    final Map<Bytes, Bytes> lastSeen = new HashMap<>();

    Client(int id) {
      this.id = id;
      this.process = nextProcess++;
    }

    void next() {
      if (done++ >= cfg.opsPerClient()) {
        activeClients--;
        return;
      }
      Bytes key = keys.get(rnd.nextInt(keys.size()));
      int r = rnd.nextInt(10);
      Operation op;
      Kind kind;
      Bytes value = Bytes.utf8("c" + id + "." + done);
      if (r < 4) {
        op = new Operation.Read();
        kind = Kind.READ;
      } else if (r < 6) {
        op = rnd.nextInt(6) == 0 ? new Operation.Delete() : new Operation.Put(value);
        kind = Kind.WRITE;
      } else if (r < 8) {
        Bytes expected = rnd.nextInt(5) == 0 ? null : lastSeen.get(key);
        op = new Operation.Cas(expected, rnd.nextInt(8) == 0 ? null : value);
        kind = Kind.CAS;
      } else {
        op = new Operation.Update(APPEND_VERSION);
        kind = Kind.UPDATE;
      }
      Bytes written =
          op instanceof Operation.Put p
              ? p.value()
              : op instanceof Operation.Cas c ? c.newValue() : null;
      Bytes expected = op instanceof Operation.Cas c ? c.expected() : null;
      int h =
          kind == Kind.UPDATE
              ? recorder.invokeUpdate(process, key, APPEND_VERSION)
              : recorder.invoke(process, key, kind, written, expected);
      RequestId rid = op.isWrite() ? new RequestId(id, ++requestSeq) : null;
      attempt(h, key, op, rid, 0, false);
    }

    void attempt(int h, Bytes key, Operation op, RequestId rid, int n, boolean unknownSoFar) {
      long opId = nextOpId++;
      boolean[] answered = {false};
      attempts.put(
          opId,
          new Attempt(
              this,
              outcome -> {
                if (!answered[0]) {
                  answered[0] = true;
                  onOutcome(h, key, op, rid, n, unknownSoFar, outcome);
                }
              }));
      Node node = nodes[rnd.nextInt(nodes.length)];
      if (node.replica != null) {
        node.process(
            node.replica.submit(
                new ClientRequest(opId, key, op, rid, n > 0, now + COORDINATOR_TIMEOUT), now));
      }
      at(
          now + CLIENT_TIMEOUT,
          () -> {
            if (!answered[0]) {
              answered[0] = true;
              attempts.remove(opId);
              onOutcome(h, key, op, rid, n, unknownSoFar, new CasResult.Unknown("client timeout"));
            }
          });
    }

    void onOutcome(
        int h,
        Bytes key,
        Operation op,
        RequestId rid,
        int n,
        boolean unknownSoFar,
        Outcome outcome) {
      if (outcome instanceof Outcome.ReadOk r) {
        lastSeen.put(key, r.value());
        recorder.okRead(h, r.value(), r.version());
      } else if (outcome instanceof CasResult.Applied a) {
        if (op instanceof Operation.Update) {
          if (a.valueKnown()) {
            lastSeen.put(key, a.value());
            recorder.okUpdated(h, a.value(), a.version());
          } else {
            recorder.okApplied(h, a.version());
          }
        } else {
          lastSeen.put(key, newValue(op));
          recorder.okApplied(h, a.version());
        }
      } else if (outcome instanceof CasResult.NotApplied na) {
        lastSeen.put(key, na.current());
        recorder.okNotApplied(h, na.current(), na.version());
      } else {
        boolean unknown = unknownSoFar || (op.isWrite() && outcome instanceof CasResult.Unknown);
        if (n + 1 < MAX_ATTEMPTS) {
          at(now + rnd.nextInt(30), () -> attempt(h, key, op, rid, n + 1, unknown));
          return;
        }
        if (unknown) {
          recorder.info(h);
          process = nextProcess++; // Jepsen: a process with an open op is never reused
        } else {
          recorder.fail(h);
        }
      }
      at(now + rnd.nextInt(15), this::next);
    }
  }

  /**
   * The simulator's read-modify-write: appends {@code |version} to a present value and skips an
   * absent one, so updates both apply and not apply, depend on the version the coordinator passes,
   * and keep written values unique (which keeps the checker fast).
   */
  private record AppendVersion() implements Operation.UpdateFunction {
    @Override
    public Operation.Decision apply(Bytes current, long version) {
      if (current == null) {
        return Operation.Decision.SKIP;
      }
      return new Operation.Decision.Write(Bytes.utf8(current + "|" + version));
    }

    @Override
    public String toString() {
      return "append-version";
    }
  }

  private static final AppendVersion APPEND_VERSION = new AppendVersion();

  private static Bytes newValue(Operation op) {
    if (op instanceof Operation.Put p) {
      return p.value();
    }
    if (op instanceof Operation.Cas c) {
      return c.newValue();
    }
    return null;
  }

  @Override
  public String toString() {
    return "Simulation[seed=" + seed + ", " + cfg + ", keys=" + Objects.toString(keys) + "]";
  }
}
