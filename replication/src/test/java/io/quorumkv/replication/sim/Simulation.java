package io.quorumkv.replication.sim;

import io.quorumkv.replication.check.HistoryOp;
import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryRecorder;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.ClientRequest;
import io.quorumkv.replication.paxos.Effects;
import io.quorumkv.replication.paxos.Fence;
import io.quorumkv.replication.paxos.GroupConfig;
import io.quorumkv.replication.paxos.KeyState;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outbox;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.PaxosConfig;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.paxos.Proposal;
import io.quorumkv.replication.paxos.Replica;
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
   * @param diskLoss whether some crashes also wipe the node's disk (everything durable, its
   *     identity marker included); one node at a time, and not while another is rebuilding
   * @param rebuild whether a node that lost its disk rebuilds from its peers behind acceptor fences
   *     (PAXOS.md); off, it rejoins empty as if new, to prove the simulator catches that
   * @param spares nodes beyond the first group, which segments move to and from
   * @param handoff whether segments move between groups during the run, and how
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
      boolean allLazy,
      boolean diskLoss,
      boolean rebuild,
      int spares,
      Handoff handoff) {

    /** A configuration without disk loss. */
    Config(
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
          allLazy,
          false,
          true,
          0,
          Handoff.NONE);
    }

    /** The same configuration with disk loss on, rebuilt from peers or (broken) not. */
    Config withDiskLoss(boolean rebuildFromPeers) {
      return new Config(
          replicas,
          clients,
          keys,
          opsPerClient,
          dropRate,
          dupRate,
          crashes,
          partitions,
          amnesia,
          allLazy,
          true,
          rebuildFromPeers,
          spares,
          handoff);
    }

    /**
     * The same configuration on {@code replicas + spares} nodes whose segments move between groups
     * (and split) during the run, by {@code handoff}; without disk loss.
     */
    Config withTopology(int spares, Handoff handoff) {
      return new Config(
          replicas,
          clients,
          keys,
          opsPerClient,
          dropRate,
          dupRate,
          crashes,
          partitions,
          amnesia,
          allLazy,
          false,
          true,
          spares,
          handoff);
    }

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

  /** How the simulated migration driver moves a segment from group G to group G'. */
  enum Handoff {
    /** No topology changes: one static group at epoch 0. */
    NONE,
    /**
     * The protocol of PAXOS.md ("Moving a key between groups"): the joint configuration, then once
     * a majority of G adopted it every key of the segment is settled, then G' alone.
     */
    SAFE,
    /** Broken on purpose: G' takes over without the keys being settled. */
    SKIP_SETTLE
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
   * @param wipes disk losses
   * @param rebuilds rebuilds from peers that completed
   * @param moves segment moves completed
   * @param splits epoch bumps of every segment (what a segment split does to the core)
   * @param drops segments a node deleted after they moved away from it
   */
  record Run(
      List<HistoryOp> history,
      String violation,
      long messages,
      int crashes,
      long simMillis,
      boolean finalReadsOk,
      int wipes,
      int rebuilds,
      int moves,
      int splits,
      int drops) {}

  private static final long CLIENT_TIMEOUT = 400;
  private static final long COORDINATOR_TIMEOUT = 300;
  private static final int MAX_ATTEMPTS = 3;
  private static final long TICK = 5;
  private static final long TIME_LIMIT = 120_000;
  private static final int SEGMENTS = 2;

  private final long seed;
  private final Config cfg;
  private final Random rnd;
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final Node[] nodes;

  /** The cluster map (the authority the driver changes; nodes adopt it later, durably). */
  private final GroupConfig[] map;

  private long mapVersion = 1;
  private final Map<Bytes, Integer> keyIndex = new HashMap<>();
  private final Driver driver = new Driver();
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
  private int wipes;
  private int rebuilds;
  private int moves;
  private int splits;
  private int drops;
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
    for (int k = 0; k < cfg.keys(); k++) {
      keys.add(Bytes.utf8("k" + k));
      keyIndex.put(keys.get(k), k);
    }
    boolean topology = cfg.handoff() != Handoff.NONE;
    // Without topology changes: one static group at epoch 0, exactly ReplicaGroups.fixed.
    this.map = new GroupConfig[topology ? SEGMENTS : 1];
    for (int i = 0; i < map.length; i++) {
      map[i] = GroupConfig.stable(topology ? 1 : 0, group);
    }
    this.nodes = new Node[cfg.replicas() + cfg.spares()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node(i);
      nodes[i].start();
    }
  }

  /** The segment of a key: keys are spread over the segments by their index. */
  private int segmentOf(Bytes key) {
    return keyIndex.get(key) % map.length;
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
    if (cfg.handoff() != Handoff.NONE) {
      at(20 + rnd.nextInt(100), driver::step);
      for (Node n : nodes) {
        at(rnd.nextInt(100), () -> refreshMap(n));
      }
    }
    while (!events.isEmpty() && activeClients > 0 && violation == null && now < TIME_LIMIT) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    boolean finalOk = violation != null || healAndReadAll();
    return new Run(
        recorder.history(),
        violation,
        messages,
        crashes,
        now,
        finalOk,
        wipes,
        rebuilds,
        moves,
        splits,
        drops);
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
    // A node still rebuilding coordinates nothing for keys it has not copied: let it finish.
    long rebuildLimit = now + 20_000;
    while (!events.isEmpty() && rebuilding() && violation == null && now < rebuildLimit) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    // The driver finishes a move in progress (it starts none after healing), and every node adopts
    // the final map.
    long moveLimit = now + 20_000;
    while (!events.isEmpty()
        && (driver.busy() || !allAdopted())
        && violation == null
        && now < moveLimit) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    int[] pending = {0};
    boolean[] ok = {true};
    for (Node n : nodes) {
      for (Bytes key : keys) {
        if (!map[segmentOf(key)].contains(n.id)) {
          continue; // reads go to the key's replicas (a node that is none answers "no replica")
        }
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

  private boolean rebuilding() {
    for (Node n : nodes) {
      // the durable marker too: a rebuild is over only once it survives a crash
      boolean done = n.mode == Marker.MEMBER || n.mode == Marker.REBUILT;
      boolean durable = n.marker == Marker.MEMBER || n.marker == Marker.REBUILT;
      if (!done || !durable) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether some node still holds an acceptor fence on some key. Fences lift only when the others
   * decide the fenced instances (PAXOS.md, "Known limits"): a second disk loss before that could
   * leave a key without a voting quorum, a liveness limit the nemesis does not exercise.
   */
  private boolean anyFence() {
    for (Node n : nodes) {
      for (Bytes key : keys) {
        KeyState s;
        if (n.replica != null) {
          s = n.replica.state(key);
        } else {
          byte[] b = n.disk.get(key);
          s = b == null ? KeyState.EMPTY : KeyStateCodec.decode(b);
        }
        if (Fence.isFenced(s)) {
          return true;
        }
      }
    }
    return false;
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
        if (cfg.diskLoss() && rnd.nextInt(3) == 0 && !rebuilding() && !anyFence()) {
          victim.wipe();
        }
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

  /**
   * A node's durable identity marker (PAXOS.md, "A replica that lost its disk"). A wiped disk has
   * none; the real node then asks its peers, which in the simulator always know it (every node was
   * a member from the start), so the node rebuilds.
   */
  private enum Marker {
    /** A member since the cluster started: a key without a record is {@link KeyState#EMPTY}. */
    MEMBER,
    /** No marker: a wiped disk. */
    NONE,
    /** Copying from peers; a key without a record is {@link Fence#UNKNOWN}. */
    REBUILDING,
    /** Rebuilt: a key without a record is {@link Fence#absent} of the node's depth. */
    REBUILT
  }

  /** A simulated machine: a replica, its disk and the effects waiting for an fsync. */
  private final class Node {
    final int id;
    final Map<Bytes, byte[]> disk = new HashMap<>();
    Marker marker = Marker.MEMBER;

    /** The depth of {@link Fence#absent} for keys without a record (durable, with the marker). */
    long absentDepth;

    /**
     * The running incarnation's view of marker and depth (ahead of the disk at a rebuild's end).
     */
    Marker mode = Marker.MEMBER;

    long depth;

    Replica replica;
    Outbox outbox = new Outbox();

    /** The map this node adopted, durable (a crash keeps it): the configurations it uses. */
    GroupConfig[] configs = map.clone();

    long adoptedVersion = mapVersion;
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
      if (marker == Marker.NONE) {
        // Broken on purpose without rebuild: the node believes it is new and joins empty.
        marker = cfg.rebuild() ? Marker.REBUILDING : Marker.MEMBER;
      }
      mode = marker;
      depth = absentDepth;
      outbox = new Outbox();
      replica =
          new Replica(
              id,
              key -> configs[segmentOf(key)],
              key -> {
                byte[] b = disk.get(key);
                KeyState s = b == null ? null : KeyStateCodec.decode(b);
                return switch (mode) {
                  case MEMBER, NONE -> s;
                  case REBUILDING -> s == null ? Fence.UNKNOWN : s;
                  case REBUILT ->
                      s == null
                          ? Fence.absent(depth)
                          : Fence.isUnknown(s)
                              ? Fence.rebuild(s, List.of(Fence.absent(depth - 1)))
                              : s;
                };
              },
              bound -> rnd.nextLong(bound),
              paxos,
              now);
      if (marker == Marker.REBUILDING) {
        int inc = incarnation;
        at(now + 10 + rnd.nextInt(40), () -> rebuildStep(this, inc, 0));
      }
    }

    /**
     * Adopts the current map if it is newer: durably (in the simulator at once; the node runtime
     * writes it with an fsync before it uses it), then the replica restarts what ran under older
     * configurations.
     */
    void adopt() {
      if (replica == null || adoptedVersion >= mapVersion) {
        return;
      }
      GroupConfig[] before = configs;
      adoptedVersion = mapVersion;
      configs = map.clone();
      if (replica != null) {
        process(replica.configurationChanged(now));
      }
      for (int seg = 0; seg < configs.length; seg++) {
        if (before[seg].contains(id) && !configs[seg].contains(id)) {
          dropSegment(seg);
        }
      }
    }

    /**
     * A segment moved away from this node: it forgets the keys' state and deletes their records,
     * ordered after every write already issued (so no pending write resurrects one). A crash before
     * that leaves the old records, which is harmless; if the segment is back by then, they stay.
     */
    void dropSegment(int seg) {
      for (Bytes key : keys) {
        if (segmentOf(key) == seg && replica != null) {
          replica.forget(key);
        }
      }
      int inc = incarnation;
      at(
          Math.max(lastSyncAt, now) + 1,
          () -> {
            if (incarnation != inc || configs[seg].contains(id)) {
              return;
            }
            unsynced.removeIf(w -> segmentOf(w.key()) == seg);
            for (Bytes key : keys) {
              if (segmentOf(key) == seg) {
                disk.remove(key);
              }
            }
            drops++;
          });
    }

    /** Loses everything durable: the state records and the identity marker. */
    void wipe() {
      wipes++;
      disk.clear();
      marker = Marker.NONE;
      absentDepth = 0;
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
      mode = marker;
      depth = absentDepth;
      if (cfg.amnesia()) {
        disk.clear();
      }
    }

    /**
     * Carries out effects through the production {@link Outbox}: what needs no fsync leaves now;
     * each input's writes form one batch; a synced batch reaches the disk after a simulated fsync
     * (in order with the node's earlier ones) and then releases what waited for it. A lazy batch
     * reaches the disk with the next fsync, or (a prefix of them) at a crash, or never.
     */
    void process(Effects e) {
      if (e.isEmpty()) {
        return;
      }
      for (Effects.Persist p : e.writes()) {
        checkAgreement(p.key(), p.state());
      }
      if (cfg.allLazy()) {
        // Broken on purpose: every write treated as lazy, so nothing waits for an fsync.
        List<Effects.Persist> lazy = new ArrayList<>();
        for (Effects.Persist p : e.writes()) {
          lazy.add(new Effects.Persist(p.key(), p.state(), false));
        }
        e = new Effects(lazy, e.messages(), e.replies(), e.nextWakeupMillis());
      }
      deliver(outbox.add(e));
      Outbox.Batch batch = outbox.cut();
      if (batch == null) {
        return;
      }
      if (!batch.sync()) {
        for (Map.Entry<Bytes, KeyState> w : batch.records().entrySet()) {
          unsynced.add(new LazyWrite(++lazySeq, w.getKey(), w.getValue()));
        }
        return;
      }
      // Synced batches complete in order: each fsync also covers every earlier write.
      long releaseAt = Math.max(lastSyncAt, now + 1 + rnd.nextInt(3));
      lastSyncAt = releaseAt;
      int inc = incarnation;
      long upTo = lazySeq;
      pendingSyncs.add(upTo);
      at(
          releaseAt,
          () -> {
            if (incarnation != inc) {
              return; // crashed before the fsync: writes, messages and replies are lost
            }
            pendingSyncs.poll();
            // The fsync also makes every lazy write issued before this batch durable.
            while (!unsynced.isEmpty() && unsynced.peek().seq() <= upTo) {
              LazyWrite w = unsynced.poll();
              disk.put(w.key(), KeyStateCodec.encode(w.state()));
            }
            for (Map.Entry<Bytes, KeyState> w : batch.records().entrySet()) {
              disk.put(w.getKey(), KeyStateCodec.encode(w.getValue()));
            }
            deliver(outbox.durable(batch.id()));
          });
    }

    private void deliver(Outbox.Release r) {
      for (Effects.Envelope env : r.messages()) {
        send(id, env.to(), env.message());
      }
      for (Effects.ClientReply reply : r.replies()) {
        Client.Attempt a = attempts.remove(reply.opId());
        if (a != null) {
          a.onReply().accept(reply.outcome());
        }
      }
    }
  }

  /**
   * One step of a node's rebuild scan: copies key number {@code cursor} from a set of peers that
   * intersects every quorum without the node (read from their state at this instant, as a streamed
   * scan would), then schedules the next key. Without enough reachable peers it waits and retries
   * the same key; a crash ends the scan, which the next start begins again (copies are idempotent).
   * After the last key, once every copy is durable, the marker says so.
   */
  private void rebuildStep(Node n, int inc, int cursor) {
    if (n.replica == null || n.incarnation != inc || n.mode != Marker.REBUILDING) {
      return;
    }
    if (cursor == keys.size()) {
      // Every peer's default for keys it holds no record of, at most: the deepest one.
      long peersAbsent = 0;
      for (Node p : nodes) {
        if (p != n) {
          peersAbsent = Math.max(peersAbsent, p.depth);
        }
      }
      n.process(n.replica.finishRebuild(Fence.absent(peersAbsent)));
      long newDepth = peersAbsent + 1;
      // The loader's default for absent keys changes at once; the marker only once every copied
      // record is durable (a crash before that restarts the rebuild).
      n.mode = Marker.REBUILT;
      n.depth = newDepth;
      at(
          Math.max(n.lastSyncAt, now) + 1,
          () -> {
            if (n.incarnation == inc) {
              n.marker = Marker.REBUILT;
              n.absentDepth = newDepth;
              rebuilds++;
            }
          });
      return;
    }
    int quorum = nodes.length / 2 + 1;
    int needed = nodes.length - quorum + 1;
    List<KeyState> states = new ArrayList<>();
    Bytes key = keys.get(cursor);
    for (Node p : nodes) {
      if (p != n
          && p.replica != null
          && !blocked.contains(link(p.id, n.id))
          && !blocked.contains(link(n.id, p.id))
          && p.mode != Marker.REBUILDING
          && states.size() < needed) {
        states.add(p.replica.state(key));
      }
    }
    if (states.size() < needed) {
      at(now + 20 + rnd.nextInt(50), () -> rebuildStep(n, inc, cursor));
      return;
    }
    n.process(n.replica.rebuild(key, states));
    at(now + 1 + rnd.nextInt(10), () -> rebuildStep(n, inc, cursor + 1));
  }

  // ------------------------------------------------------------------ topology

  /**
   * A node learns the map from the metadata group every 30-120 ms, if it can reach a majority of
   * the nodes (a stand-in for a quorum read of the map); pushes by the driver come on top.
   */
  private void refreshMap(Node n) {
    if (n.replica != null && reachesMajority(n.id)) {
      n.adopt();
    }
    if (!healed || driver.busy() || !allAdopted()) {
      at(now + 30 + rnd.nextInt(90), () -> refreshMap(n));
    }
  }

  private boolean reachesMajority(int id) {
    int reachable = 0;
    for (Node o : nodes) {
      if (o.id == id || (!blocked.contains(link(o.id, id)) && !blocked.contains(link(id, o.id)))) {
        reachable++;
      }
    }
    return reachable >= nodes.length / 2 + 1;
  }

  private boolean allAdopted() {
    for (Node n : nodes) {
      if (n.replica != null && n.adoptedVersion < mapVersion) {
        return false;
      }
    }
    return true;
  }

  /** Changes the map: a new version, pushed to every node after a random delay (or lost). */
  private void publish() {
    mapVersion++;
    for (Node n : nodes) {
      if (rnd.nextInt(4) != 0) {
        at(now + 1 + rnd.nextInt(60), n::adopt);
      }
    }
  }

  /**
   * The node a client sends a request to: a replica of the key's current configuration as the
   * client last learned the map, or (one time in five) any node, which may be no replica.
   */
  private int pickNode(Bytes key) {
    if (cfg.handoff() == Handoff.NONE) {
      return rnd.nextInt(nodes.length);
    }
    if (rnd.nextInt(5) == 0) {
      return rnd.nextInt(nodes.length);
    }
    List<Integer> members = map[segmentOf(key)].members();
    return members.get(rnd.nextInt(members.size()));
  }

  /**
   * The migration driver: moves one segment at a time from its group G to a group G' that swaps one
   * member, as the balancer would, or bumps every segment's epoch (what a split does to the core).
   * A move: the joint configuration; once a majority of G durably adopted it (no decision by G
   * alone can happen after that), every key of the segment is settled through a replica under the
   * joint configuration; then G' alone (PAXOS.md, "Moving a key between groups").
   */
  private final class Driver {
    int segment = -1;
    long jointEpoch;
    int cursor;
    long settleSeq;
    boolean settling;

    boolean busy() {
      return segment >= 0;
    }

    void step() {
      if (segment < 0) {
        if (healed) {
          return;
        }
        if (rnd.nextInt(5) == 0) {
          split();
        } else {
          startMove();
        }
      } else if (!settling) {
        GroupConfig joint = map[segment];
        int adopted = 0;
        for (int node : joint.replicas()) {
          if (nodes[node].configs[segment].epoch() >= jointEpoch) {
            adopted++;
          }
        }
        // Not needed for safety (a settle's joint quorum already holds a majority of G at the joint
        // epoch), but settling earlier would only fail and retry.
        if (adopted >= joint.replicas().size() / 2 + 1) {
          if (cfg.handoff() == Handoff.SKIP_SETTLE) {
            finishMove();
          } else {
            settling = true;
            cursor = 0;
            settleNext();
            return;
          }
        }
      } else {
        return; // settling advances by its own answers
      }
      at(now + 10 + rnd.nextInt(100), this::step);
    }

    void split() {
      for (int i = 0; i < map.length; i++) {
        map[i] = GroupConfig.stable(map[i].epoch() + 1, map[i].replicas());
      }
      splits++;
      publish();
    }

    void startMove() {
      segment = rnd.nextInt(map.length);
      GroupConfig from = map[segment];
      List<Integer> others = new ArrayList<>();
      for (Node n : nodes) {
        if (!from.contains(n.id)) {
          others.add(n.id);
        }
      }
      List<Integer> to = new ArrayList<>(from.replicas());
      to.set(rnd.nextInt(to.size()), others.get(rnd.nextInt(others.size())));
      jointEpoch = from.epoch() + 1;
      map[segment] = new GroupConfig(jointEpoch, from.replicas(), to);
      settling = false;
      publish();
    }

    void finishMove() {
      GroupConfig joint = map[segment];
      map[segment] = GroupConfig.stable(joint.epoch() + 1, joint.next());
      segment = -1;
      settling = false;
      moves++;
      publish();
      at(now + 10 + rnd.nextInt(200), this::step);
    }

    /**
     * Settles the key at {@code cursor} of the segment through a replica that adopted the joint
     * map.
     */
    void settleNext() {
      while (cursor < keys.size() && segmentOf(keys.get(cursor)) != segment) {
        cursor++;
      }
      if (cursor == keys.size()) {
        finishMove();
        return;
      }
      Bytes key = keys.get(cursor);
      List<Integer> members = map[segment].members();
      Node node = nodes[members.get(rnd.nextInt(members.size()))];
      long mySeq = ++settleSeq;
      if (node.replica == null || node.configs[segment].epoch() != jointEpoch) {
        at(now + 5 + rnd.nextInt(30), this::settleNext);
        return;
      }
      long opId = nextOpId++;
      attempts.put(
          opId,
          new Client.Attempt(
              null,
              outcome -> {
                if (settleSeq != mySeq) {
                  return;
                }
                settleSeq++;
                if (outcome instanceof Outcome.ReadOk) {
                  cursor++;
                }
                at(now + 1 + rnd.nextInt(10), this::settleNext);
              }));
      node.process(
          node.replica.submit(
              new ClientRequest(
                  opId,
                  key,
                  new Operation.Settle(jointEpoch),
                  null,
                  false,
                  now + COORDINATOR_TIMEOUT),
              now));
      at(
          now + CLIENT_TIMEOUT,
          () -> {
            if (settleSeq == mySeq) {
              settleSeq++;
              attempts.remove(opId);
              settleNext();
            }
          });
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
      Node node = nodes[pickNode(key)];
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
