package io.quorumkv.replication.paxos;

import io.quorumkv.replication.paxos.CasResult.Applied;
import io.quorumkv.replication.paxos.CasResult.NotApplied;
import io.quorumkv.replication.paxos.CasResult.Unknown;
import io.quorumkv.replication.paxos.Operation.Decision;
import io.quorumkv.replication.paxos.Outcome.Failed;
import io.quorumkv.replication.paxos.Outcome.ReadOk;
import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Accepted;
import io.quorumkv.replication.paxos.PaxosMessage.Commit;
import io.quorumkv.replication.paxos.PaxosMessage.Lagging;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.Promise;
import io.quorumkv.replication.paxos.PaxosMessage.ReadQuery;
import io.quorumkv.replication.paxos.PaxosMessage.ReadState;
import io.quorumkv.replication.paxos.PaxosMessage.Reject;
import io.quorumkv.replication.paxos.PaxosMessage.Stale;
import io.quorumkv.replication.paxos.PaxosMessage.Sync;
import io.quorumkv.replication.paxos.PaxosMessage.Synced;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One node's replica of the leaderless per-key Paxos protocol: acceptor and learner for every key
 * whose group contains this node, and coordinator for the client requests submitted to it.
 *
 * <p>A pure, deterministic state machine. Inputs are {@link #submit} (a client request), {@link
 * #step} (a message from a peer) and {@link #tick} (the clock advanced); each returns the {@link
 * Effects} the caller must carry out, under the ordering rule documented there (persist before
 * releasing messages and replies). It performs no IO, reads no clock and draws randomness only from
 * the injected {@link RandomSource}, so the same inputs always give the same outputs.
 *
 * <p>Per key, requests submitted to this replica run one at a time in arrival order; different keys
 * run independently. Messages this replica sends to itself are handled within the same input.
 *
 * <p>Not thread-safe: drive it from one thread (an event loop).
 */
public final class Replica {
  private final int self;
  private final ReplicaGroups groups;
  private final StateLoader loader;
  private final RandomSource random;
  private final PaxosConfig config;

  private final Map<Bytes, KeyState> states = new HashMap<>();
  private final Map<Bytes, Coordinator> coordinators = new LinkedHashMap<>();
  private final ArrayDeque<PaxosMessage> selfInbox = new ArrayDeque<>();
  private long now;
  private long nextQueryId;

  /**
   * The earliest time something started or rescheduled during the current input needs a tick. Only
   * {@link #tick} scans every coordinator: scanning them on every input made the per-input cost
   * grow with the number of requests in flight.
   */
  private long inputWake = Long.MAX_VALUE;

  /** Attempts retried after a conflict or timeout; written by this replica's thread only. */
  private volatile long retries;

  /** Writes answered from the exactly-once window (a retry of an applied request). */
  private volatile long exactlyOnceHits;

  private Effects.Builder out = new Effects.Builder();

  /**
   * A replica that reads durable state lazily through {@code loader}.
   *
   * @param self this node's id
   * @param groups the key to replica-group mapping
   * @param loader reads durable per-key state (after a restart)
   * @param random the only source of randomness (backoff)
   * @param config tunables
   * @param nowMillis the current time
   */
  public Replica(
      int self,
      ReplicaGroups groups,
      StateLoader loader,
      RandomSource random,
      PaxosConfig config,
      long nowMillis) {
    this.self = self;
    this.groups = Objects.requireNonNull(groups);
    this.loader = Objects.requireNonNull(loader);
    this.random = Objects.requireNonNull(random);
    this.config = Objects.requireNonNull(config);
    this.now = nowMillis;
    // Read query ids must not repeat across restarts: a ReadState delayed from an earlier
    // incarnation would otherwise answer a new query with old state (a stale read). A random
    // start in a 2^62 space makes a collision negligible; ballots need no such care because the
    // acceptor persists its own promise before any Prepare leaves.
    this.nextQueryId = 1 + random.nextLong(1L << 62);
  }

  /** This node's id. */
  /** Attempts retried so far after a conflict or an attempt timeout; readable from any thread. */
  public long retries() {
    return retries;
  }

  /**
   * Writes answered so far from the exactly-once window instead of being applied again (retries of
   * a request already applied); readable from any thread.
   */
  public long exactlyOnceHits() {
    return exactlyOnceHits;
  }

  /** This replica's node id. */
  public int id() {
    return self;
  }

  /** The in-memory state of {@code key} (which may not be durable yet). For tests and tools. */
  public KeyState state(Bytes key) {
    return states.computeIfAbsent(
        key,
        k -> {
          KeyState s = loader.load(k);
          return s == null ? KeyState.EMPTY : s;
        });
  }

  /**
   * Submits a client request; the reply comes in this or a later {@link Effects}. Every request
   * gets exactly one reply, at the latest at its deadline.
   */
  public Effects submit(ClientRequest request, long nowMillis) {
    advance(nowMillis);
    GroupConfig config = groups.configOf(request.key());
    if (!config.contains(self)) {
      out.replies.add(
          new Effects.ClientReply(request.opId(), new Failed("node " + self + " is no replica")));
    } else {
      Coordinator c = coordinators.computeIfAbsent(request.key(), k -> new Coordinator(k, config));
      c.queue.add(new Op(request));
      wakeAt(request.deadlineMillis());
      if (c.active == null) {
        startNext(c);
      }
    }
    return finishInput();
  }

  /**
   * Rebuild after a loss of durable state: adopts what {@code peers} (other replicas of the key's
   * group, together intersecting every quorum without this one) hold for {@code key}, fenced as
   * {@link Fence#rebuild} says. Nothing changes unless the key is {@link Fence#UNKNOWN}-fenced
   * here, so a repeated or restarted copy is harmless.
   */
  public Effects rebuild(Bytes key, List<KeyState> peers) {
    KeyState next = Fence.rebuild(state(key), peers);
    if (next != null) {
      persist(key, next);
    }
    return finishInput();
  }

  /**
   * Ends a rebuild whose scan covered every key: a key still {@link Fence#UNKNOWN}-fenced in memory
   * was held by no peer when the scan passed it, so each peer's state of it was its default for
   * absent keys, at most {@code peersAbsent} ({@link Fence#absent}); it is rebuilt from that (with
   * what it has learned since). The caller's loader must give absent keys their new default from
   * now on.
   */
  public Effects finishRebuild(KeyState peersAbsent) {
    for (Map.Entry<Bytes, KeyState> e : List.copyOf(states.entrySet())) {
      if (Fence.isUnknown(e.getValue())) {
        persist(e.getKey(), Fence.rebuild(e.getValue(), List.of(peersAbsent)));
      }
    }
    return finishInput();
  }

  /**
   * The caller's {@link ReplicaGroups} now answers a newer configuration for some keys (a move
   * started or finished, a split): requests running or backing off under an older one start again
   * under the new one at once (their earlier attempts stay what they were: a write that may have
   * applied keeps saying so), and a request of a key this node no longer replicates ends (failed,
   * or unknown if it may have applied). Messages of older epochs are refused from now on.
   */
  public Effects configurationChanged(long nowMillis) {
    advance(nowMillis);
    for (Coordinator c : List.copyOf(coordinators.values())) {
      GroupConfig now = groups.configOf(c.key);
      if (now.epoch() == c.config.epoch()) {
        continue;
      }
      c.config = now;
      Op op = c.active;
      if (op != null) {
        begin(c, op); // also one backing off after a Stale: what it waited for has come
      }
    }
    return finishInput();
  }

  /**
   * Forgets the in-memory state of a key this node no longer replicates (its segment moved away),
   * once {@link #configurationChanged} has ended its requests; the caller deletes the key's record
   * from storage, ordered after every write already issued. Safe because ballots carry their epoch:
   * if the key comes back to this node later, it starts empty in a newer epoch, where nothing it
   * promised or accepted before can be reused or matter (PAXOS.md, "Moving a key between groups").
   *
   * @throws IllegalStateException if this node is a replica of the key
   */
  public void forget(Bytes key) {
    if (groups.configOf(key).contains(self)) {
      throw new IllegalStateException("node " + self + " still replicates " + key);
    }
    states.remove(key);
    Coordinator c = coordinators.get(key);
    if (c != null && c.active == null && c.queue.isEmpty()) {
      coordinators.remove(key);
    }
  }

  /**
   * {@link #forget}s every key in memory that this node no longer replicates and that has no
   * request left; returns how many.
   */
  public int forgetKeysNotReplicated() {
    int n = 0;
    for (Bytes key : List.copyOf(states.keySet())) {
      Coordinator c = coordinators.get(key);
      if (!groups.configOf(key).contains(self) && (c == null || c.active == null)) {
        forget(key);
        n++;
      }
    }
    return n;
  }

  /** Handles a message from node {@code from}. */
  public Effects step(int from, PaxosMessage message) {
    handle(from, message);
    return finishInput();
  }

  /** Advances the clock: fires retries, attempt timeouts and request deadlines. */
  public Effects tick(long nowMillis) {
    advance(nowMillis);
    for (Coordinator c : List.copyOf(coordinators.values())) {
      if (c.active == null && c.queue.isEmpty()) {
        coordinators.remove(c.key);
        continue;
      }
      for (Iterator<Op> it = c.queue.iterator(); it.hasNext(); ) {
        Op op = it.next();
        if (now >= op.req.deadlineMillis()) {
          it.remove();
          reply(op, new Failed("deadline passed while queued"));
        }
      }
      Op op = c.active;
      if (op == null) {
        continue;
      }
      if (now >= op.req.deadlineMillis()) {
        finish(
            c,
            op,
            op.mayHaveApplied
                ? new Unknown("deadline passed; the write may still be chosen")
                : new Failed("deadline passed before anything was proposed"));
      } else if (op.phase == Phase.WAITING && now >= op.retryAt) {
        begin(c, op);
      } else if (op.phase != Phase.WAITING && now >= op.attemptDeadline) {
        backoff(op);
      }
    }
    // The one full scan: every pending need, whichever input reported it first.
    for (Coordinator c : coordinators.values()) {
      for (Op q : c.queue) {
        wakeAt(q.req.deadlineMillis());
      }
      Op op = c.active;
      if (op != null) {
        wakeAt(op.req.deadlineMillis());
        wakeAt(op.phase == Phase.WAITING ? op.retryAt : op.attemptDeadline);
      }
    }
    return finishInput();
  }

  private void wakeAt(long millis) {
    inputWake = Math.min(inputWake, millis);
  }

  private void advance(long nowMillis) {
    if (nowMillis > now) {
      now = nowMillis;
    }
  }

  private Effects finishInput() {
    while (!selfInbox.isEmpty()) {
      handle(self, selfInbox.poll());
    }
    Effects e = out.build(inputWake);
    out = new Effects.Builder();
    inputWake = Long.MAX_VALUE;
    return e;
  }

  // ---------------------------------------------------------------- message dispatch

  private void handle(int from, PaxosMessage m) {
    if (m instanceof Stale st) {
      onStale(st);
      return;
    }
    if (m instanceof Sync sy) {
      onSync(from, sy); // a statement of fact, from whichever group learned it
      return;
    }
    GroupConfig config = groups.configOf(m.key());
    long epoch = requestEpoch(m);
    if (epoch >= 0 && epoch != config.epoch()) {
      if (epoch < config.epoch() && config.contains(self)) {
        // An older configuration's request: this acceptor has left that epoch for good (its
        // configuration is durable before it is used), so it takes no part; say why.
        send(from, new Stale(m.key(), config.epoch()));
      }
      // A newer one: this node has not adopted it yet and stays silent until it has.
      return;
    }
    if (!config.contains(self) || !config.contains(from)) {
      return; // not ours, or from a stranger: ignore
    }
    KeyState s = state(m.key());
    if (m instanceof Prepare p) {
      acceptorResult(from, p.key(), Acceptor.prepare(s, p));
    } else if (m instanceof Accept a) {
      acceptorResult(from, a.key(), Acceptor.accept(s, a));
    } else if (m instanceof ReadQuery q) {
      ReadState answer = Acceptor.read(s, q);
      if (answer != null) {
        send(from, answer);
      }
    } else if (m instanceof Commit c) {
      onCommit(c);
    } else if (m instanceof Lagging l) {
      if (s.version() > l.version()) {
        send(from, new Commit(l.key(), s.version(), s.chosen()));
      }
    } else if (m instanceof Promise p) {
      onPromise(from, p);
    } else if (m instanceof Accepted a) {
      onAccepted(from, a);
    } else if (m instanceof Reject r) {
      onReject(from, r);
    } else if (m instanceof ReadState r) {
      onReadState(from, r);
    } else if (m instanceof Synced sd) {
      onSynced(from, sd);
    }
  }

  /** The configuration epoch a request is made under, or -1 for messages valid in any epoch. */
  private static long requestEpoch(PaxosMessage m) {
    if (m instanceof Prepare p) {
      return p.ballot().epoch();
    }
    if (m instanceof Accept a) {
      return a.ballot().epoch();
    }
    if (m instanceof ReadQuery q) {
      return q.epoch();
    }
    return -1;
  }

  /**
   * Makes the chosen value durable here (learning it if newer, else rewriting the state this
   * replica holds, which is at least as new), then answers with the version now durable: the answer
   * leaves only after the synced write (the ordering rule of {@link Effects}).
   */
  private void onSync(int from, Sync sy) {
    KeyState s = state(sy.key());
    KeyState next = Acceptor.learn(s, sy.version(), sy.proposal());
    KeyState durable = next != null ? next : s;
    persist(sy.key(), durable);
    send(from, new Synced(sy.key(), durable.version()));
  }

  private void acceptorResult(int from, Bytes key, Acceptor.Result r) {
    if (r.state() != null) {
      persist(key, r.state());
    }
    if (r.reply() != null) {
      send(from, r.reply());
    }
  }

  private void persist(Bytes key, KeyState s) {
    states.put(key, s);
    out.writes.add(new Effects.Persist(key, s, true));
  }

  /**
   * Persists a learned chosen value without requiring it to be durable before this input's messages
   * and replies leave: a crash that loses it returns this replica to its previous durable state,
   * which only forgets a fact that a quorum's durable accepted state still holds (PAXOS.md, "Lazy
   * learning").
   */
  private void persistLearned(Bytes key, KeyState s) {
    states.put(key, s);
    out.writes.add(new Effects.Persist(key, s, false));
  }

  private void send(int to, PaxosMessage m) {
    if (to == self) {
      selfInbox.add(m);
    } else {
      out.messages.add(new Effects.Envelope(to, m));
    }
  }

  private void broadcast(Coordinator c, PaxosMessage m) {
    for (int node : c.config.members()) {
      send(node, m);
    }
  }

  /** Learns a chosen value (idempotently); returns whether the local version advanced. */
  private boolean learn(Bytes key, long version, Proposal proposal) {
    KeyState next = Acceptor.learn(state(key), version, proposal);
    if (next == null) {
      return false;
    }
    persistLearned(key, next);
    return true;
  }

  private void onCommit(Commit c) {
    if (!learn(c.key(), c.version(), c.proposal())) {
      return;
    }
    Coordinator co = coordinators.get(c.key());
    Op op = co == null ? null : co.active;
    if (op != null
        && (op.phase == Phase.PREPARE || op.phase == Phase.ACCEPT)
        && op.instance <= c.version()) {
      begin(co, op); // our instance is decided: re-evaluate against the new latest value
    }
  }

  // ---------------------------------------------------------------- coordinator

  private enum Phase {
    /** Backing off until {@code retryAt}. */
    WAITING,
    /** Quorum read of versions and accepted values. */
    READ,
    /** Phase 1 with a prepared ballot. */
    PREPARE,
    /** Phase 2, fast or after prepare. */
    ACCEPT,
    /** A settle: making the chosen value durable at a majority of the next group. */
    SYNC
  }

  /** Per-key coordinator state: the queue of requests and the one running. */
  private static final class Coordinator {
    final Bytes key;
    GroupConfig config;
    final ArrayDeque<Op> queue = new ArrayDeque<>();
    Op active;

    /** The highest ballot seen in rejections (its round is raised past within its epoch). */
    Ballot maxSeen = Ballot.ZERO;

    Coordinator(Bytes key, GroupConfig config) {
      this.key = key;
      this.config = config;
    }
  }

  /** One client request being coordinated. */
  private static final class Op {
    final ClientRequest req;
    Phase phase = Phase.WAITING;
    long instance;
    Ballot ballot;
    Proposal proposal;
    final Set<Integer> yes = new HashSet<>();
    final Set<Integer> no = new HashSet<>();
    Ballot highestAcceptedBallot = Ballot.ZERO;
    Proposal highestAccepted;
    long queryId;
    final Map<Integer, ReadState> reads = new HashMap<>();
    long syncVersion;
    Proposal syncChosen;
    long attemptDeadline;
    long retryAt;
    int retries;
    boolean mayHaveApplied;

    /** This request's proposals seen here, by instance (to report the value if it wins unseen). */
    final Map<Long, Proposal> proposed = new HashMap<>(2);

    Op(ClientRequest req) {
      this.req = req;
    }

    void newAttempt(Phase p, long deadline) {
      phase = p;
      yes.clear();
      no.clear();
      reads.clear();
      highestAcceptedBallot = Ballot.ZERO;
      highestAccepted = null;
      proposal = null;
      attemptDeadline = deadline;
    }
  }

  private void startNext(Coordinator c) {
    while (c.active == null && !c.queue.isEmpty()) {
      Op op = c.queue.poll();
      c.active = op;
      begin(c, op);
    }
  }

  private void reply(Op op, Outcome outcome) {
    out.replies.add(new Effects.ClientReply(op.req.opId(), outcome));
  }

  private void finish(Coordinator c, Op op, Outcome outcome) {
    reply(op, outcome);
    c.active = null;
    startNext(c);
    if (c.active == null && c.queue.isEmpty() && coordinators.get(c.key) == c) {
      coordinators.remove(c.key);
    }
  }

  /** (Re)starts an operation against the latest value this replica knows. */
  private void begin(Coordinator c, Op op) {
    c.config = groups.configOf(c.key);
    if (!c.config.contains(self)) {
      // The key moved away from this node while the request waited or ran.
      finish(
          c,
          op,
          op.mayHaveApplied
              ? new Unknown("the key moved to another group; the write may still be chosen")
              : new Failed("node " + self + " is no replica of this key any more"));
      return;
    }
    KeyState s = state(c.key);
    Operation o = op.req.operation();
    if (o instanceof Operation.Settle settle
        && (settle.epoch() != c.config.epoch() || !c.config.moving())) {
      finish(
          c,
          op,
          new Failed(
              "node "
                  + self
                  + " has the key at epoch "
                  + c.config.epoch()
                  + (c.config.moving() ? " (moving)" : "")
                  + ", not the moving epoch "
                  + settle.epoch()));
      return;
    }
    if (o.isWrite() && s.chosen() != null) {
      switch (s.chosen().lookup(op.req.requestId())) {
        case APPLIED -> {
          exactlyOnceHits++; // one writer (this replica's thread)
          long v = s.chosen().entryFor(op.req.requestId()).orElseThrow().version();
          // The written value is known while it is still the latest, or if this request's
          // proposal for that version passed through this coordinator (a proposal is bound to
          // its instance). Otherwise it is unknown: an Update's result cannot be recomputed.
          Proposal mine = op.proposed.get(v);
          finish(
              c,
              op,
              v == s.version()
                  ? new Applied(v, s.value())
                  : mine != null ? new Applied(v, mine.value()) : new Applied(v, null, false));
          return;
        }
        case SUPERSEDED -> {
          finish(c, op, new Unknown("request superseded by a newer one of the same client"));
          return;
        }
        case NOT_SEEN -> {}
      }
    }
    if (Fence.isUnknown(s)) {
      // Rebuilding and not copied yet: its own prepared ballots could repeat ones it used before
      // the loss (PAXOS.md, "A replica that lost its disk"); the client tries another node.
      finish(c, op, new Failed("node " + self + " is rebuilding this key from its peers"));
      return;
    }
    if (!o.isWrite()) {
      newAttempt(op, Phase.READ);
      op.queryId = nextQueryId++;
      broadcast(c, new ReadQuery(c.key, op.queryId, s.version(), c.config.epoch()));
      return;
    }
    Decision fast = ownsFastBallot(s) ? decide(c, op, s) : Decision.SKIP;
    if (fast == null) {
      return; // the operation's function failed; the request is finished
    }
    if (fast instanceof Decision.Write w) {
      // Rule F: we created the latest chosen value and have promised nothing in the next
      // instance, so we own its lowest ballot and may skip phase 1 (see PAXOS.md). The decision
      // was taken against chosen(v), which is the predecessor of whatever instance v + 1 chooses.
      newAttempt(op, Phase.ACCEPT);
      op.instance = s.instance();
      op.ballot = Ballot.fast(c.config.epoch(), self);
      op.proposal = newProposal(s, op, w.value());
      op.proposed.put(op.instance, op.proposal);
      op.mayHaveApplied = true;
      broadcast(c, new Accept(c.key, op.instance, op.ballot, op.proposal));
    } else {
      // Not the owner, or the condition is false here: a "not applied" answer must come from a
      // prepared round (a linearizable read that completes any in-flight value first).
      prepare(c, op, s);
    }
  }

  /** Starts phase 1 in the next instance with a ballot above any this coordinator has seen. */
  private void prepare(Coordinator c, Op op, KeyState s) {
    newAttempt(op, Phase.PREPARE);
    op.instance = s.instance();
    op.ballot = nextBallot(c, s);
    broadcast(c, new Prepare(c.key, op.instance, op.ballot));
  }

  /**
   * A prepared ballot of the configuration's epoch whose round exceeds every round of that epoch
   * seen for the key (its own acceptor's promise and rejections). Ballots of older epochs are below
   * it whatever their round; one of a newer epoch means this node's configuration is behind, and
   * the prepare will be refused until it catches up.
   */
  private Ballot nextBallot(Coordinator c, KeyState s) {
    long epoch = c.config.epoch();
    long round = Ballot.FIRST_PREPARED_ROUND - 1;
    if (c.maxSeen.epoch() == epoch) {
      round = Math.max(round, c.maxSeen.round());
    }
    if (s.promised().epoch() == epoch) {
      round = Math.max(round, s.promised().round());
    }
    Ballot b = new Ballot(epoch, round + 1, self);
    c.maxSeen = b;
    return b;
  }

  private boolean ownsFastBallot(KeyState s) {
    return s.version() != 0 && s.chosen().origin() == self && s.promised().isZero();
  }

  /**
   * Evaluates the write against chosen(v) = {@code s}. If the operation's function throws, the
   * request is finished (failed, or unknown if an earlier attempt proposed) and {@code null} is
   * returned.
   */
  private Decision decide(Coordinator c, Op op, KeyState s) {
    try {
      return op.req.operation().decide(s.value(), s.version());
    } catch (RuntimeException e) {
      // An Update's function is caller code: its failure ends this request, never the replica.
      finish(
          c,
          op,
          op.mayHaveApplied
              ? new Unknown("update function failed after an earlier attempt proposed: " + e)
              : new Failed("update function failed: " + e));
      return null;
    }
  }

  private Proposal newProposal(KeyState s, Op op, Bytes value) {
    return Proposal.next(
        s.chosen(), s.instance(), value, op.req.requestId(), self, config.windowSize());
  }

  /**
   * The attempt timeout doubles with each retry of the operation (up to 2^6 times the base): an
   * attempt's messages leave only after its synced writes, so if persisting takes longer than the
   * base timeout, a fixed timeout abandons every attempt just before its answers arrive and each
   * retry adds more synced writes (a livelock, PAXOS.md rule 6).
   */
  private long attemptTimeout(Op op) {
    return config.attemptTimeoutMillis() << Math.min(op.retries, 6);
  }

  private void backoff(Op op) {
    op.phase = Phase.WAITING;
    op.retries++;
    retries++; // one writer (this replica's thread): the volatile is only for readers
    long bound =
        Math.min(config.backoffMaxMillis(), config.backoffBaseMillis() << Math.min(op.retries, 20));
    op.retryAt = now + 1 + random.nextLong(bound);
    wakeAt(op.retryAt);
  }

  private void newAttempt(Op op, Phase phase) {
    op.newAttempt(phase, now + attemptTimeout(op));
    wakeAt(op.attemptDeadline);
  }

  private Op activeFor(Bytes key, Phase phase, long instance, Ballot ballot) {
    Coordinator c = coordinators.get(key);
    Op op = c == null ? null : c.active;
    if (op == null || op.phase != phase || op.instance != instance || !op.ballot.equals(ballot)) {
      return null;
    }
    return op;
  }

  private void onPromise(int from, Promise p) {
    Op op = activeFor(p.key(), Phase.PREPARE, p.instance(), p.ballot());
    if (op == null) {
      return;
    }
    op.yes.add(from);
    if (p.acceptedBallot().greaterThan(op.highestAcceptedBallot)) {
      op.highestAcceptedBallot = p.acceptedBallot();
      op.highestAccepted = p.accepted();
    }
    Coordinator c = coordinators.get(p.key());
    if (c.config.hasQuorum(op.yes)) {
      onPrepared(c, op);
    }
  }

  private void onPrepared(Coordinator c, Op op) {
    KeyState s = state(c.key);
    Proposal toAccept;
    if (op.highestAccepted != null) {
      // Rule P2b: complete the in-flight value with the highest accepted ballot first.
      toAccept = op.highestAccepted;
      if (op.req.operation().isWrite() && toAccept.requestId().equals(op.req.requestId())) {
        op.mayHaveApplied = true;
        op.proposed.put(op.instance, toAccept);
      }
    } else {
      // Nothing in flight: chosen(s.version) is the latest value (linearization point, PAXOS.md).
      Operation o = op.req.operation();
      if (!o.isWrite()) {
        finishRead(c, op, s.version(), s.chosen());
        return;
      }
      Decision d = decide(c, op, s);
      if (d == null) {
        return; // the operation's function failed; the request is finished
      }
      if (d instanceof Decision.Skip) {
        finish(
            c,
            op,
            op.req.retry()
                ? new Unknown("retried conditional write: an earlier attempt may still complete")
                : new NotApplied(s.value(), s.version()));
        return;
      }
      toAccept = newProposal(s, op, ((Decision.Write) d).value());
      op.proposed.put(op.instance, toAccept);
      op.mayHaveApplied = true;
    }
    Ballot ballot = op.ballot;
    newAttempt(op, Phase.ACCEPT);
    op.ballot = ballot;
    op.proposal = toAccept;
    broadcast(c, new Accept(c.key, op.instance, op.ballot, op.proposal));
  }

  private void onAccepted(int from, Accepted a) {
    Op op = activeFor(a.key(), Phase.ACCEPT, a.instance(), a.ballot());
    if (op == null) {
      return;
    }
    op.yes.add(from);
    Coordinator c = coordinators.get(a.key());
    if (!c.config.hasQuorum(op.yes)) {
      return;
    }
    // Chosen. Learn locally, tell the others, then answer or continue.
    Proposal chosen = op.proposal;
    learn(c.key, op.instance, chosen);
    for (int node : c.config.members()) {
      if (node != self) {
        send(node, new Commit(c.key, op.instance, chosen));
      }
    }
    Operation o = op.req.operation();
    if (o.isWrite() && chosen.requestId().equals(op.req.requestId())) {
      finish(c, op, new Applied(op.instance, chosen.value()));
    } else if (!o.isWrite()) {
      finishRead(c, op, op.instance, chosen);
    } else {
      begin(c, op); // we completed someone else's value; now try ours
    }
  }

  private void onReject(int from, Reject r) {
    Coordinator c = coordinators.get(r.key());
    if (c == null) {
      return;
    }
    if (r.promised().greaterThan(c.maxSeen)) {
      c.maxSeen = r.promised();
    }
    Op op = c.active;
    if (op == null
        || (op.phase != Phase.PREPARE && op.phase != Phase.ACCEPT)
        || op.instance != r.instance()
        || !op.ballot.equals(r.ballot())) {
      return;
    }
    op.no.add(from);
    if (c.config.quorumUnreachable(op.no)) {
      backoff(op); // a quorum is out of reach at this ballot: contention
    }
  }

  /**
   * An acceptor is at a newer configuration than the running attempt: back off and try again; by
   * then the node may have adopted it ({@link #configurationChanged} restarts the attempt at once).
   */
  private void onStale(Stale st) {
    Coordinator c = coordinators.get(st.key());
    Op op = c == null ? null : c.active;
    if (op != null && op.phase != Phase.WAITING && st.epoch() > c.config.epoch()) {
      backoff(op);
    }
  }

  /** A member of the next group durably holds the key at {@code version} or later. */
  private void onSynced(int from, Synced sd) {
    Coordinator c = coordinators.get(sd.key());
    Op op = c == null ? null : c.active;
    if (op == null || op.phase != Phase.SYNC || sd.version() < op.syncVersion) {
      return;
    }
    op.yes.add(from);
    if (c.config.hasNextQuorum(op.yes)) {
      finish(c, op, new ReadOk(op.syncChosen.value(), op.syncVersion));
    }
  }

  /**
   * Answers a linearizable read of {@code chosen} at {@code version}; a {@link Operation.Settle} of
   * a moving key first makes it durable at a majority of the next group.
   */
  private void finishRead(Coordinator c, Op op, long version, Proposal chosen) {
    if (op.req.operation() instanceof Operation.Settle && version > 0) {
      newAttempt(op, Phase.SYNC);
      op.syncVersion = version;
      op.syncChosen = chosen;
      for (int node : c.config.next()) {
        send(node, new Sync(c.key, version, chosen));
      }
      return;
    }
    finish(c, op, new ReadOk(chosen == null ? null : chosen.value(), version));
  }

  private void onReadState(int from, ReadState r) {
    Coordinator c = coordinators.get(r.key());
    if (r.chosen() != null) {
      learn(r.key(), r.version(), r.chosen());
    }
    Op op = c == null ? null : c.active;
    if (op == null || op.phase != Phase.READ || op.queryId != r.queryId()) {
      return;
    }
    op.reads.put(from, r);
    if (!c.config.hasQuorum(op.reads.keySet())) {
      return;
    }
    long max = 0;
    for (ReadState rs : op.reads.values()) {
      max = Math.max(max, rs.version());
    }
    KeyState s = state(c.key);
    if (s.version() != max) {
      begin(c, op); // learned something newer meanwhile: ask again
      return;
    }
    for (ReadState rs : op.reads.values()) {
      if (rs.version() == max && rs.accepted() != null) {
        // A value may be in flight for max + 1: complete it with a full round first.
        prepare(c, op, s);
        return;
      }
    }
    for (Map.Entry<Integer, ReadState> e : op.reads.entrySet()) {
      if (e.getValue().version() < max && e.getKey() != self) {
        send(e.getKey(), new Commit(c.key, max, s.chosen())); // read repair
      }
    }
    finishRead(c, op, s.version(), s.chosen());
  }
}
