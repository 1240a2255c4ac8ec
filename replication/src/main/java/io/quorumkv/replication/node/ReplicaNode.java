package io.quorumkv.replication.node;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.ClientRequest;
import io.quorumkv.replication.paxos.Effects;
import io.quorumkv.replication.paxos.Fence;
import io.quorumkv.replication.paxos.KeyState;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outbox;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.paxos.Replica;
import io.quorumkv.replication.paxos.RequestId;
import io.quorumkv.replication.transport.ClientCodec;
import io.quorumkv.replication.transport.ClientMessage;
import io.quorumkv.replication.transport.NodeMessage;
import io.quorumkv.replication.transport.PaxosFrame;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running replica: one {@link Replica} driven on its own thread, its state in a storage table,
 * its peers and clients on Netty.
 *
 * <p><b>Threads.</b> The replica thread runs every input ({@link Replica#submit}, {@link
 * Replica#step}, {@link Replica#tick}) and releases effects. It is one of the node's Netty event
 * loops (the only one with the default {@link NodeConfig#ioThreads} of 1): frames and client
 * requests read on it are handled in place and messages and replies are written from it, without a
 * hand-off between threads (each hand-off costs a wake-up, and on a busy 2-core machine a wait for
 * a core). The storage commit thread completes writes; a callback thread completes the futures of
 * {@link #submit} and runs local key listings, so callers' continuations never run on the replica
 * thread. One replica per node rather than one per core: on this 2-core machine the replica thread
 * is not the bottleneck (fsync and the network are), keys are independent so the core could be
 * sharded later without protocol changes, and one thread keeps the effects ordering trivially
 * correct.
 *
 * <p><b>Durability.</b> All effects produced while the replica thread works through its queue are
 * merged into one {@link WriteBatch} written with {@link Durability#SYNC} (or {@link
 * Durability#BUFFERED} if it only records learned values); concurrent batches share an fsync
 * through the engine's group commit. The messages and replies of effects with a synced write are
 * released only when that write has completed <em>and</em> every earlier one has; those of effects
 * without one are released at once, ahead of pending fsyncs (the ordering rule of {@link Effects}).
 * If a write fails, the node stops (fail-stop): its in-memory state would otherwise run ahead of a
 * disk that lost writes.
 *
 * <p><b>Time.</b> The replica's timer is driven from {@code clockMillis} (monotonic by default) by
 * a one-shot timer set to the earliest wake-up the replica asks for. Randomness comes from a {@link
 * SplittableRandom} seeded by {@link NodeConfig#seed}.
 *
 * <p>Thread-safe. {@link #close} is graceful: it stops the network, answers requests still waiting
 * as unknown (writes) or failed (reads), and closes the storage engine it was given.
 */
public final class ReplicaNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaNode.class);

  /** The table holding one {@link KeyStateCodec} record per key. */
  public static final String TABLE = "paxos";

  private static final int MAX_KEYS_PER_LISTING = 10_000;
  private static final long LISTING_RESEND_MILLIS = 250;
  private static final long NEWER_MAP_WAIT_MILLIS = 2_000;
  private static final long NEWER_MAP_POLL_MILLIS = 20;
  private static final String NOT_A_REPLICA = " is no replica of the key either";

  /** How long past a forwarded request's own timeout its answer is awaited. */
  private static final long FORWARD_GRACE_MILLIS = 200;

  private final NodeConfig config;
  private final StorageEngine engine;
  private final Table table;
  private final LongSupplier clock;
  private final List<Integer> group;

  /**
   * The placement this node uses (replica thread writes it, after it is durable; any thread may
   * read it).
   */
  private volatile NodeTopology topology;

  /** The version of the last cluster map made durable (callback thread). */
  private long durableMapVersion;

  /** Requests forwarded to a replica and not answered yet (replica thread). */
  private final Map<Long, Forwarded> forwarded = new HashMap<>();

  private long nextForwardTag = 1;
  private final AtomicLong nextSettleTag = new AtomicLong(1);
  private final Map<Long, CompletableFuture<Long>> remoteSettles = new ConcurrentHashMap<>();
  private volatile LongConsumer mapListener;
  private final SettleThrottle settleThrottle = new SettleThrottle(0);
  private final AtomicLong forwards = new AtomicLong();
  private final AtomicLong forwardsServed = new AtomicLong();

  private record Forwarded(boolean write, Consumer<Outcome> callback, ScheduledFuture<?> timeout) {}

  private final EventLoop loop;
  private final ExecutorService callbacks;

  /**
   * Whole-table scans for moves (a segment's keys to settle, records of segments left, key counts):
   * off the callback thread, which completes client requests and must never wait seconds behind
   * one.
   */
  private final ExecutorService scans;

  private final EventLoopGroup io;
  private final PeerNetwork network;
  private final ClientServer clientServer;
  private final Replica replica;
  private final NodeIdentity identity;
  private final Membership membership;
  private final StorageStateLoader stored;

  // Loader defaults (PAXOS.md, "A replica that lost its disk"); written before the replica thread
  // first uses them (activate) or on it (finishRebuild).
  private volatile boolean rebuilding;
  private volatile long absentDepth;

  /** Client requests held while the node does not know yet whether it is new (replica thread). */
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();

  private volatile boolean joining;
  private CompletableFuture<Void> lastSyncWrite = CompletableFuture.completedFuture(null);

  // replica-thread state
  private final Map<Long, Waiter> waiting = new HashMap<>();
  private final Outbox outbox = new Outbox();
  private boolean flushScheduled;
  private long nextOpId = 1;
  private long wakeAt = Long.MAX_VALUE;
  private ScheduledFuture<?> wakeTimer;

  private final Map<Long, KeyQuery> keyQueries = new ConcurrentHashMap<>();
  private final AtomicLong nextKeyQuery;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong writeBatches = new AtomicLong();
  private final AtomicLong lazyWrites = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong movedRetries = new AtomicLong();
  // Paxos phase counters for the metrics endpoint; LongAdder: incremented on the loop, read by
  // scrapes, with no contention on the loop.
  private final LongAdder prepares = new LongAdder();
  private final LongAdder accepts = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private volatile boolean failed;
  private volatile boolean closed;

  private record Waiter(boolean write, Consumer<Outcome> callback) {}

  private ReplicaNode(
      NodeConfig config, StorageEngine engine, LongSupplier clock, NodeTopology initial) {
    this.config = config;
    this.engine = engine;
    this.clock = clock;
    this.table = engine.table(TABLE);
    this.stored = new StorageStateLoader(table);
    this.identity = new NodeIdentity(engine);
    List<Integer> ids = new ArrayList<>(config.peers().keySet());
    ids.add(config.nodeId());
    ids.sort(null);
    this.group = List.copyOf(ids);
    this.topology = initial == null ? NodeTopology.single(group) : initial;
    this.durableMapVersion = topology.version();
    SplittableRandom random = new SplittableRandom(config.seed());
    this.nextKeyQuery = new AtomicLong(1 + random.nextLong(1L << 62));
    this.replica =
        new Replica(
            config.nodeId(),
            key -> topology.configOf(key),
            this::loadState,
            random::nextLong,
            config.paxos(),
            clock.getAsLong());
    this.callbacks =
        Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("qkv-callbacks-" + config.nodeId(), true));
    this.scans =
        Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("qkv-scans-" + config.nodeId(), true));
    this.io =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("qkv-io-" + config.nodeId(), true),
            NioIoHandler.newFactory());
    // The replica runs on an IO event loop: no hand-off for what is read or written on it.
    this.loop = io.next();
    this.network = new PeerNetwork(config, io, this::onFrame);
    this.clientServer = config.clientPort() >= 0 ? new ClientServer(config, io, this) : null;
    this.membership =
        new Membership(
            this,
            identity,
            network,
            List.copyOf(config.peers().keySet()),
            group.size(),
            io,
            callbacks,
            random.nextLong(1L << 62));
  }

  /**
   * The state of a key as the replica sees it: its record, with the defaults of a node that lost
   * its disk (PAXOS.md): while rebuilding, keys without a record are unknown; once rebuilt, they
   * get {@link Fence#absent} of this node's depth, and unknown records left from the rebuild are
   * fenced as if no peer had held them (the scan covered every key held by a peer).
   */
  private KeyState loadState(Bytes key) {
    KeyState s = stored.load(key);
    if (rebuilding) {
      return s == null ? Fence.UNKNOWN : s;
    }
    long depth = absentDepth;
    if (s == null) {
      return depth == 0 ? null : Fence.absent(depth);
    }
    if (Fence.isUnknown(s)) {
      return Fence.rebuild(s, List.of(Fence.absent(Math.max(0, depth - 1))));
    }
    return s;
  }

  /**
   * Starts a node over {@code engine}, which it owns from now on (closing the node closes it).
   *
   * @throws NodeStartException if a port cannot be bound
   */
  public static ReplicaNode start(NodeConfig config, StorageEngine engine) {
    return start(config, engine, () -> System.nanoTime() / 1_000_000);
  }

  /**
   * Starts a node with an explicit millisecond clock (monotonic, any origin).
   *
   * @throws NodeStartException if a port cannot be bound
   */
  public static ReplicaNode start(NodeConfig config, StorageEngine engine, LongSupplier clock) {
    return start(config, engine, clock, null);
  }

  /**
   * Starts a node with an explicit clock and the placement it adopted last ({@code null}: one
   * static group of every node). The caller reads the durable form with {@link #storedClusterMap}
   * and decodes it.
   *
   * @throws NodeStartException if a port cannot be bound
   */
  public static ReplicaNode start(
      NodeConfig config, StorageEngine engine, LongSupplier clock, NodeTopology topology) {
    ReplicaNode node = new ReplicaNode(config, engine, clock, topology);
    NodeIdentity.Marker marker;
    try {
      marker = node.identity.marker();
      node.absentDepth = node.identity.absentDepth();
      node.rebuilding = marker == NodeIdentity.Marker.REBUILDING;
      // Without a marker (or before peers confirmed a new node) the node must not vote yet.
      node.joining = marker == null || marker == NodeIdentity.Marker.UNCONFIRMED;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    try {
      // Every listening port is bound before the first peer is dialed: outgoing connections are
      // bound to this node's own address with an ephemeral port, which could otherwise take the
      // client port this node is about to listen on.
      if (node.clientServer != null) {
        node.clientServer.start();
      }
      node.network.start();
      node.membership.start(marker);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    LOG.info(
        "node {} (zone {}) up: peers on {}, clients on {}, nodes {}, {} segment(s), map version {}",
        config.nodeId(),
        config.zone(),
        node.network.localAddress(),
        node.clientServer == null ? "-" : node.clientServer.localAddress(),
        node.group,
        node.topology.configs().size(),
        node.topology.version());
    return node;
  }

  /** The durable form of the cluster map {@code engine}'s node adopted last, or {@code null}. */
  public static byte[] storedClusterMap(StorageEngine engine) {
    return new NodeIdentity(engine).clusterMap();
  }

  /** The placement this node uses now. */
  public NodeTopology topology() {
    return topology;
  }

  /**
   * Adopts a newer placement: writes {@code durableForm} (the cluster map it was made from)
   * durably, then, on the replica thread, switches to it: requests running under older
   * configurations restart under the new ones, and keys of segments this node left are forgotten
   * and their records deleted (after every state write already issued). An older or equal version
   * is ignored. The future completes once the switch is done.
   */
  public CompletableFuture<Void> adopt(NodeTopology next, byte[] durableForm) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      callbacks.execute(
          () -> {
            try {
              if (next.version() > durableMapVersion) {
                identity.setClusterMap(durableForm);
                durableMapVersion = next.version();
              }
            } catch (StorageException e) {
              f.completeExceptionally(e);
              return;
            }
            runOnLoop(
                () -> {
                  switchTo(next);
                  f.complete(null);
                });
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("node " + id() + " is closed"));
    }
    return f;
  }

  /** On the replica thread, once {@code next} is durable. */
  private void switchTo(NodeTopology next) {
    NodeTopology before = topology;
    if (next.version() <= before.version() || closed || failed) {
      return;
    }
    topology = next;
    absorb(replica.configurationChanged(clock.getAsLong()));
    boolean left = false;
    if (before.configs().size() == next.configs().size()) {
      for (int s = 0; s < next.configs().size(); s++) {
        left |= before.configs().get(s).contains(id()) && !next.configs().get(s).contains(id());
      }
    }
    LOG.info("node {} adopted cluster map version {}", id(), next.version());
    if (left) {
      replica.forgetKeysNotReplicated();
      // Queued behind this turn's flush, so the scan starts after every write issued so far.
      runOnLoop(() -> callbacks.execute(() -> scan(this::collectRecordsNotReplicated)));
    }
  }

  private void scan(Runnable task) {
    try {
      scans.execute(task);
    } catch (RejectedExecutionException e) {
      // closing: nothing to scan for
    }
  }

  /** Scans this node's records (scan thread) for keys it no longer replicates. */
  private void collectRecordsNotReplicated() {
    List<Bytes> gone = new ArrayList<>();
    try (Scan s = table.scan(KeyRange.of(null, null))) {
      while (s.hasNext()) {
        Bytes key = Bytes.wrap(s.next().key());
        if (!topology.configOf(key).contains(id())) {
          gone.add(key);
        }
      }
    } catch (StorageException e) {
      LOG.warn("node {}: scan for records of segments it left failed: {}", id(), e.toString());
      return;
    }
    if (!gone.isEmpty()) {
      runOnLoop(() -> deleteRecords(gone));
    }
  }

  /**
   * Deletes, from the replica thread (so in order with its state writes), the records of keys this
   * node still does not replicate and holds no state of in memory; a key whose segment came back
   * meanwhile keeps its record (old acceptor state, which is harmless in the newer epoch).
   */
  private void deleteRecords(List<Bytes> keys) {
    if (closed || failed) {
      return;
    }
    WriteBatch.Builder b = WriteBatch.builder();
    int n = 0;
    for (Bytes key : keys) {
      if (!topology.configOf(key).contains(id())) {
        b.delete(key.toByteArray());
        n++;
      }
    }
    if (n == 0) {
      return;
    }
    int count = n;
    CompletableFuture<Void> w;
    try {
      w = table.writeAsync(b.build(), Durability.BUFFERED);
    } catch (StorageException e) {
      w = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> write = w;
    write.whenComplete(
        (v, t) -> {
          if (t != null) {
            runOnLoop(() -> failStop(write));
          } else {
            LOG.info("node {}: deleted {} records of segments it left", id(), count);
          }
        });
  }

  /**
   * Settles every key of {@code segment} this node holds a record of, under the moving
   * configuration of {@code epoch} that this node has adopted: each key is read through a joint
   * quorum and its latest chosen value made durable at a majority of the group it moves to ({@link
   * Operation.Settle}). Once a majority of the segment's old group has settled its keys, every key
   * chosen before the move is settled (PAXOS.md, "Moving a key between groups"), and the move may
   * complete. Completes with the number of keys settled; fails if the deadline passes first or the
   * node's configuration of the segment is no longer that move.
   */
  public CompletableFuture<Long> settleSegment(int segment, long epoch, long timeoutMillis) {
    long deadline = clock.getAsLong() + timeoutMillis;
    CompletableFuture<List<Bytes>> keys = new CompletableFuture<>();
    try {
      scans.execute(
          () -> {
            List<Bytes> found = new ArrayList<>();
            try (Scan s = table.scan(KeyRange.of(null, null))) {
              while (s.hasNext()) {
                Bytes key = Bytes.wrap(s.next().key());
                if (!NodeTopology.isMeta(key) && topology.segment(key) == segment) {
                  found.add(key);
                }
              }
              keys.complete(found);
            } catch (RuntimeException e) {
              keys.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      keys.completeExceptionally(new IllegalStateException("node " + id() + " is closed"));
    }
    return keys.thenCompose(
        list ->
            new SegmentSettler(
                    id(),
                    segment,
                    epoch,
                    list,
                    deadline,
                    clock,
                    this::topology,
                    this::submit,
                    loop,
                    settleThrottle)
                .run());
  }

  /**
   * How many keys with a value this node holds per segment of its current placement (its own
   * records, scanned off the replica thread; metadata keys not counted). Segments it does not
   * replicate count 0 once their records are deleted.
   */
  public CompletableFuture<long[]> localKeyCounts() {
    CompletableFuture<long[]> f = new CompletableFuture<>();
    try {
      scans.execute(
          () -> {
            NodeTopology t = topology;
            long[] counts = new long[t.configs().size()];
            try (Scan s = table.scan(KeyRange.of(null, null))) {
              while (s.hasNext()) {
                KeyValue kv = s.next();
                Bytes key = Bytes.wrap(kv.key());
                if (NodeTopology.isMeta(key)) {
                  continue;
                }
                KeyState st = KeyStateCodec.decode(kv.value());
                if (st.value() != null) {
                  counts[t.segment(key)]++;
                }
              }
              f.complete(counts);
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("node " + id() + " is closed"));
    }
    return f;
  }

  /**
   * Limits the bytes of keys and values this node settles per second when a segment it holds moves
   * ({@code rebalance.max-bytes-per-sec}; 0, the default, is unthrottled), so a move leaves room
   * for client traffic. Applies to settles started afterwards.
   */
  public void setRebalanceBytesPerSecond(long bytesPerSecond) {
    settleThrottle.setRate(bytesPerSecond);
  }

  /**
   * Has node {@code node} (this one or a peer) {@link #settleSegment settle} its keys of {@code
   * segment} under the moving configuration of {@code epoch}. Fails if it could not, or sends no
   * answer within {@code timeoutMillis} plus a grace period.
   */
  public CompletableFuture<Long> settleSegmentOn(
      int node, int segment, long epoch, long timeoutMillis) {
    if (node == id()) {
      return settleSegment(segment, epoch, timeoutMillis);
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    if (!network.connected(node)) {
      // the request would be dropped: say so now, the caller asks again later
      f.completeExceptionally(new IllegalStateException("node " + node + " is not connected"));
      return f;
    }
    long tag = nextSettleTag.getAndIncrement();
    remoteSettles.put(tag, f);
    f.whenComplete((n, t) -> remoteSettles.remove(tag));
    int timeout =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE - FORWARD_GRACE_MILLIS, timeoutMillis));
    try {
      io.schedule(
          () ->
              f.completeExceptionally(
                  new TimeoutException("node " + node + " did not answer the settle in time")),
          timeout + FORWARD_GRACE_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("node " + id() + " is closed"));
      return f;
    }
    network.send(node, new NodeMessage.SettleSegment(tag, segment, epoch, timeout));
    return f;
  }

  /** Tells every peer this node's map version (after it changed the map). */
  public void announceMapVersion(long version) {
    for (int peer : network.peerIds()) {
      network.send(peer, new NodeMessage.MapVersion(version));
    }
  }

  /**
   * Sets who hears hints that the cluster map may have changed: a peer's map version ({@link
   * NodeMessage.MapVersion}), or -1 when a peer refused a request as stale. Called on IO or replica
   * threads: the listener must not block.
   */
  public void onMapHint(LongConsumer listener) {
    mapListener = listener;
  }

  private void mapHint(long version) {
    LongConsumer l = mapListener;
    if (l != null && (version < 0 || version > topology.version())) {
      l.accept(version);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t instanceof CompletionException) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** This node's id. */
  public int id() {
    return config.nodeId();
  }

  /** The replica group (every node id, ascending). */
  public List<Integer> group() {
    return group;
  }

  /** The bound peer address. */
  public InetSocketAddress peerAddress() {
    return network.localAddress();
  }

  /** The bound client address, or {@code null} if this node serves no native clients. */
  public InetSocketAddress clientAddress() {
    return clientServer == null ? null : clientServer.localAddress();
  }

  /**
   * Adds peer {@code id} at {@code peerAddress}, or moves it there (a node that joined the cluster
   * map after this node started, or one whose address changed); this node connects to it. Peers are
   * never removed while the node runs.
   */
  public void addPeer(int id, InetSocketAddress peerAddress) {
    network.addPeer(id, peerAddress);
  }

  /** The ids of this node's peers now (configured and added), unordered. */
  public Set<Integer> peerIds() {
    return Set.copyOf(network.peerIds());
  }

  /** Whether the connection to {@code peer} is up. */
  public boolean connectedTo(int peer) {
    return network.connected(peer);
  }

  /** Whether the node stopped after a storage failure. */
  public boolean isFailed() {
    return failed;
  }

  /**
   * Coordinates one request on this node. The future completes on the node's callback thread (never
   * the replica thread) with the request's {@link Outcome}: {@link Outcome.ReadOk}, a {@link
   * CasResult} (including {@link CasResult.Unknown}), or {@link Outcome.Failed} (certainly not
   * applied). It never completes exceptionally.
   *
   * @param requestId required for writes; a retry must reuse it and set {@code retry}
   * @param timeoutMillis the coordinator's deadline
   */
  public CompletableFuture<Outcome> submit(
      Bytes key, Operation operation, RequestId requestId, boolean retry, long timeoutMillis) {
    return submitCompletingOn(callbacks, key, operation, requestId, retry, timeoutMillis);
  }

  /**
   * As {@link #submit}, for callers on the node's event loop ({@link #eventLoop}) that never block
   * (an endpoint whose connections live on that loop): the future completes on the event loop, in a
   * task of its own (so its continuations never run inside the replica's processing), without the
   * hand-off to the callback thread and back. Called from any other thread, it is {@link #submit}.
   */
  public CompletableFuture<Outcome> submitFromLoop(
      Bytes key, Operation operation, RequestId requestId, boolean retry, long timeoutMillis) {
    if (!loop.inEventLoop()) {
      return submit(key, operation, requestId, retry, timeoutMillis);
    }
    return submitCompletingOn(loop, key, operation, requestId, retry, timeoutMillis);
  }

  /** Submits; the future completes in a task on {@code executor}. */
  private CompletableFuture<Outcome> submitCompletingOn(
      Executor executor,
      Bytes key,
      Operation operation,
      RequestId requestId,
      boolean retry,
      long timeoutMillis) {
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    submit(
        key,
        operation,
        requestId,
        retry,
        timeoutMillis,
        o -> {
          try {
            executor.execute(() -> f.complete(o));
          } catch (RejectedExecutionException e) {
            f.complete(o); // shutting down: complete here rather than never
          }
        });
    return f;
  }

  /**
   * The event loop the replica runs on. Endpoints may register their connections on it so that
   * requests reach the replica without a hand-off ({@link #submitFromLoop}); nothing that blocks
   * may run on it.
   */
  public EventLoop eventLoop() {
    return loop;
  }

  /** As {@link #submit}, with the outcome delivered to {@code callback} on the replica thread. */
  void submit(
      Bytes key,
      Operation operation,
      RequestId requestId,
      boolean retry,
      long timeoutMillis,
      Consumer<Outcome> callback) {
    requests.incrementAndGet();
    Runnable task =
        () -> {
          if (closed || failed) {
            callback.accept(new Outcome.Failed("node " + id() + " is " + state()));
            return;
          }
          if (joining) {
            held.add(() -> submit(key, operation, requestId, retry, timeoutMillis, callback));
            return;
          }
          if (!topology.configOf(key).contains(id())) {
            forward(key, operation, requestId, retry, timeoutMillis, callback);
            return;
          }
          coordinate(key, operation, requestId, retry, timeoutMillis, callback);
        };
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      callback.accept(new Outcome.Failed("node " + id() + " is closed"));
    }
  }

  /** Coordinates a request of a key this node replicates (replica thread). */
  private void coordinate(
      Bytes key,
      Operation operation,
      RequestId requestId,
      boolean retry,
      long timeoutMillis,
      Consumer<Outcome> callback) {
    boolean write = operation.isWrite();
    long opId = nextOpId++;
    long now = clock.getAsLong();
    long deadline = now + timeoutMillis;
    Consumer<Outcome> answer = callback;
    if (!(operation instanceof Operation.Settle)) {
      // The key's segment may move away from this node while the request runs: the replica then
      // gives up on it (Unknown if a proposal went out). Its new group holds the key's state,
      // exactly-once window included, so the request goes on there under the same id, flagged as
      // a retry: it applies at most once either way, and the client sees the answer it expects.
      answer =
          outcome -> {
            long left = deadline - clock.getAsLong();
            if ((outcome instanceof CasResult.Unknown || outcome instanceof Outcome.Failed)
                && left > 0
                && !closed
                && !topology.configOf(key).contains(id())) {
              movedRetries.incrementAndGet();
              Runnable again =
                  () -> forward(key, operation, requestId, retry || write, left, callback);
              if (loop.inEventLoop()) {
                again.run();
              } else {
                runOnLoop(again);
              }
            } else {
              callback.accept(outcome);
            }
          };
    }
    waiting.put(opId, new Waiter(write, answer));
    absorb(
        replica.submit(
            new ClientRequest(opId, key, operation, write ? requestId : null, retry, deadline),
            now));
  }

  // ------------------------------------------------------------------ forwarding (proxy)

  /**
   * Sends a request for a key this node does not replicate one hop to a replica of it (replica
   * thread): the same replica for a key on every node (so its writes keep Paxos' fast path), or the
   * next one while its connection is down. An {@link Operation.Update} carries a function and
   * cannot travel: it runs here as a linearizable read, the decision, and a compare-and-set on the
   * version read, repeated while other writes get in between (see {@link #forwardUpdate}).
   */
  private void forward(
      Bytes key,
      Operation operation,
      RequestId requestId,
      boolean retry,
      long timeoutMillis,
      Consumer<Outcome> callback) {
    if (operation instanceof Operation.Update u) {
      forwardUpdate(key, u, requestId, retry, clock.getAsLong() + timeoutMillis, callback);
      return;
    }
    if (operation instanceof Operation.Settle) {
      callback.accept(new Outcome.Failed("node " + id() + " is no replica of the key to settle"));
      return;
    }
    List<Integer> replicas = topology.configOf(key).members();
    int first = Math.floorMod(key.hashCode(), replicas.size());
    int target = replicas.get(first);
    for (int i = 0; i < replicas.size(); i++) {
      int candidate = replicas.get((first + i) % replicas.size());
      if (network.connected(candidate)) {
        target = candidate;
        break;
      }
    }
    long tag = nextForwardTag++;
    boolean write = operation.isWrite();
    int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis));
    byte[] body =
        ClientCodec.body(
            new ClientMessage.Request(
                tag, key, operation, write ? requestId : null, retry, timeout));
    int to = target;
    // The replica answers by its own deadline; a reply lost on the way must not hang the caller.
    ScheduledFuture<?> expiry =
        loop.schedule(
            () -> {
              Forwarded f = forwarded.remove(tag);
              if (f != null) {
                f.callback()
                    .accept(
                        f.write()
                            ? new CasResult.Unknown(
                                "no answer from node " + to + " in time; the write may apply")
                            : new Outcome.Failed("no answer from node " + to + " in time"));
              }
            },
            timeoutMillis + FORWARD_GRACE_MILLIS,
            TimeUnit.MILLISECONDS);
    long deadline = clock.getAsLong() + timeoutMillis;
    Consumer<Outcome> answer =
        o -> {
          long left = deadline - clock.getAsLong();
          if (o instanceof Outcome.Failed failedThere
              && failedThere.reason().endsWith(NOT_A_REPLICA)
              && left > NEWER_MAP_POLL_MILLIS
              && !closed) {
            // Certainly not applied there, and this node's map is behind: ask for the newer one
            // and send the request where that map says, under the same id.
            mapHint(-1);
            loop.schedule(
                () -> submit(key, operation, requestId, retry, left, callback),
                NEWER_MAP_POLL_MILLIS * 5,
                TimeUnit.MILLISECONDS);
            return;
          }
          callback.accept(o);
        };
    forwarded.put(tag, new Forwarded(write, answer, expiry));
    forwards.incrementAndGet();
    network.send(to, new NodeMessage.Forward(tag, Bytes.wrap(body)));
  }

  /**
   * An {@link Operation.Update} of a key this node does not replicate: read the key through a
   * replica (linearizable), decide, and write with {@link Operation.CasVersion} on the version
   * read, under the request's id; if another write got in between (not applied, certainly), start
   * over until the deadline. Equivalent to the replica's own evaluation: the write applies only on
   * the exact state the decision saw. A retried request whose condition now fails answers {@link
   * CasResult.Unknown} (an earlier attempt may be what changed it), as the replica does.
   */
  private void forwardUpdate(
      Bytes key,
      Operation.Update update,
      RequestId requestId,
      boolean retry,
      long deadline,
      Consumer<Outcome> callback) {
    long left = deadline - clock.getAsLong();
    if (left <= 0) {
      callback.accept(new Outcome.Failed("deadline passed before the update was written"));
      return;
    }
    forward(
        key,
        new Operation.Read(),
        null,
        false,
        left,
        read -> {
          if (!(read instanceof Outcome.ReadOk r)) {
            callback.accept(read);
            return;
          }
          Operation.Decision d;
          try {
            d = update.decide(r.value(), r.version());
          } catch (RuntimeException e) {
            callback.accept(new Outcome.Failed("update function failed: " + e));
            return;
          }
          if (d instanceof Operation.Decision.Skip) {
            if (!retry) {
              callback.accept(new CasResult.NotApplied(r.value(), r.version()));
              return;
            }
            // A retry whose condition fails now: an earlier attempt may be what changed the key.
            // Ask the key's exactly-once window under the request's id with a write that can never
            // apply (no version is -1): the replica answers the earlier attempt's outcome if it
            // remembers it, and Unknown otherwise.
            forward(
                key,
                new Operation.CasVersion(
                    -1, r.value() == null ? Bytes.wrap(new byte[0]) : r.value()),
                requestId,
                true,
                Math.max(1, deadline - clock.getAsLong()),
                callback);
            return;
          }
          Bytes value = ((Operation.Decision.Write) d).value();
          forward(
              key,
              new Operation.CasVersion(r.version(), value),
              requestId,
              retry,
              Math.max(1, deadline - clock.getAsLong()),
              written -> {
                if (written instanceof CasResult.NotApplied) {
                  forwardUpdate(key, update, requestId, retry, deadline, callback);
                } else if (written instanceof CasResult.Applied a && a.valueKnown()) {
                  callback.accept(new CasResult.Applied(a.version(), value));
                } else {
                  callback.accept(written);
                }
              });
        });
  }

  /** A forwarded request from {@code from}: coordinate it here, never forward it again. */
  private void serveForward(int from, NodeMessage.Forward f) {
    ClientMessage.Request req;
    try {
      req = (ClientMessage.Request) ClientCodec.parse(f.request().toByteArray());
    } catch (RuntimeException e) {
      // ClientCodec rejects malformed bodies (CorruptedFrameException) and a body that is not a
      // request fails the cast: either way a bad message from one peer, answered by nothing.
      LOG.warn("node {}: malformed forwarded request from node {}: {}", id(), from, e.toString());
      return;
    }
    runOnLoop(
        () -> {
          Consumer<Outcome> reply =
              o ->
                  network.send(
                      from,
                      new NodeMessage.ForwardReply(
                          f.tag(),
                          Bytes.wrap(ClientCodec.body(new ClientMessage.Response(f.tag(), o)))));
          if (closed || failed || joining) {
            reply.accept(new Outcome.Failed("node " + id() + " is not serving"));
            return;
          }
          if (!topology.configOf(req.key()).contains(id())) {
            mapHint(-1); // the sender's map says this node replicates the key: ours may be behind
          }
          serveForwardWhenReplica(req, reply, clock.getAsLong() + NEWER_MAP_WAIT_MILLIS);
        });
  }

  /**
   * Coordinates a forwarded request once this node replicates its key (replica thread). A sender
   * that forwards a key here usually adopted a newer map than this node: this node is about to
   * adopt it too (the hint asks for it at once), so the request waits for that briefly instead of
   * failing. Past the wait, it is refused as certainly not applied.
   */
  private void serveForwardWhenReplica(
      ClientMessage.Request req, Consumer<Outcome> reply, long waitUntil) {
    if (closed || failed) {
      reply.accept(new Outcome.Failed("node " + id() + " is not serving"));
      return;
    }
    if (!topology.configOf(req.key()).contains(id())) {
      if (clock.getAsLong() >= waitUntil) {
        reply.accept(new Outcome.Failed("node " + id() + NOT_A_REPLICA));
        return;
      }
      loop.schedule(
          () -> serveForwardWhenReplica(req, reply, waitUntil),
          NEWER_MAP_POLL_MILLIS,
          TimeUnit.MILLISECONDS);
      return;
    }
    forwardsServed.incrementAndGet();
    requests.incrementAndGet();
    coordinate(
        req.key(), req.operation(), req.requestId(), req.retry(), req.timeoutMillis(), reply);
  }

  private void onForwardReply(int from, NodeMessage.ForwardReply r) {
    Outcome o;
    try {
      o = ((ClientMessage.Response) ClientCodec.parse(r.response().toByteArray())).outcome();
    } catch (RuntimeException e) {
      LOG.warn("node {}: malformed forward reply from node {}: {}", id(), from, e.toString());
      return;
    }
    runOnLoop(
        () -> {
          Forwarded f = forwarded.remove(r.tag());
          if (f != null) {
            f.timeout().cancel(false);
            f.callback().accept(o);
          }
        });
  }

  /**
   * An explicitly weaker, possibly stale read: the latest value this node has learned for {@code
   * key}, without a quorum (see {@link io.quorumkv.replication.transport.ClientMessage.LocalRead}).
   * The callback runs on the replica thread.
   */
  void readLocal(Bytes key, Consumer<Outcome> callback) {
    Runnable task =
        () -> {
          if (closed || failed || joining) {
            callback.accept(new Outcome.Failed("node " + id() + " is not serving"));
            return;
          }
          KeyState s = replica.state(key);
          callback.accept(new Outcome.ReadOk(s.value(), s.version()));
        };
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      callback.accept(new Outcome.Failed("node " + id() + " is closed"));
    }
  }

  /** Whether this node has finished joining (and rebuilding, if it lost its disk). For tests. */
  public boolean isSettled() {
    return membership.settled();
  }

  private String state() {
    return failed ? "failed (storage)" : "closed";
  }

  // ------------------------------------------------------------------ replica thread

  private void onFrame(int from, PaxosFrame frame) {
    for (NodeMessage m : frame.nodeMessages()) {
      onNodeMessage(from, m);
    }
    if (frame.messages().isEmpty() || joining) {
      // A node that does not know yet whether it lost its disk takes no part (lost messages).
      return;
    }
    Runnable task =
        () -> {
          if (closed || failed) {
            return;
          }
          for (PaxosMessage m : frame.messages()) {
            if (m instanceof PaxosMessage.Stale) {
              mapHint(-1); // a peer decides this key at a newer epoch: our map is behind
            } else if (m instanceof PaxosMessage.Reject) {
              conflicts.increment(); // an acceptor had promised a higher ballot
            }
            absorb(replica.step(from, m));
          }
        };
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // closing: the messages are lost, as if the network had dropped them
    }
  }

  private void onTick() {
    wakeTimer = null;
    wakeAt = Long.MAX_VALUE;
    if (!closed && !failed) {
      absorb(replica.tick(clock.getAsLong()));
    }
  }

  /**
   * Carries out one input's effects: what needs no fsync leaves now, writes wait for this turn's
   * flush, and the rest waits in the {@link Outbox} for its batch to be durable.
   */
  private void absorb(Effects e) {
    long wake = e.nextWakeupMillis();
    if (wake < wakeAt) {
      if (wakeTimer != null) {
        wakeTimer.cancel(false);
      }
      wakeAt = wake;
      long delay = Math.max(0, wake - clock.getAsLong());
      wakeTimer = loop.schedule(this::onTick, delay, TimeUnit.MILLISECONDS);
    }
    if (e.isEmpty()) {
      return;
    }
    // Nothing without a synced write waits for a disk (Effects): read reports, rejections, chosen
    // values. Holding them behind other keys' fsyncs cost a read+CAS pair three fsync waits.
    release(outbox.add(e));
    if (outbox.hasPendingWrites() && !flushScheduled) {
      flushScheduled = true;
      // Runs after every task already queued: inputs that arrived together share one write.
      loop.execute(this::flushTurn);
    }
  }

  private void flushTurn() {
    flushScheduled = false;
    if (failed) {
      return;
    }
    Outbox.Batch batch = outbox.cut();
    if (batch == null) {
      return;
    }
    WriteBatch.Builder b = WriteBatch.builder();
    for (Map.Entry<Bytes, KeyState> w : batch.records().entrySet()) {
      b.put(w.getKey().toByteArray(), KeyStateCodec.encode(w.getValue()));
    }
    writes.addAndGet(batch.records().size());
    writeBatches.incrementAndGet();
    CompletableFuture<Void> write;
    try {
      write = table.writeAsync(b.build(), batch.sync() ? Durability.SYNC : Durability.BUFFERED);
    } catch (StorageException e) {
      write = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> w = write;
    if (batch.sync()) {
      lastSyncWrite = write;
      // Completion runs on the storage commit thread: hop back to the replica thread. Table
      // futures complete in submission order, as the Outbox requires.
      write.whenComplete((v, t) -> runOnLoop(() -> onDurable(batch.id(), w, t)));
    } else {
      // Only learned values: nothing waits for them (PAXOS.md, "Lazy learning"); later writes are
      // ordered after this one by the table. A failure still stops the node.
      lazyWrites.incrementAndGet();
      write.whenComplete(
          (v, t) -> {
            if (t != null) {
              runOnLoop(() -> failStop(w));
            }
          });
    }
  }

  private void runOnLoop(Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // closed meanwhile: held messages and replies are dropped (close answered the waiters)
    }
  }

  /** A synced batch completed: release what waited for it (and for every earlier one). */
  private void onDurable(long batchId, CompletableFuture<Void> write, Throwable failure) {
    if (failure != null) {
      failStop(write);
      return;
    }
    if (!failed && !closed) {
      release(outbox.durable(batchId));
    }
  }

  private void release(Outbox.Release r) {
    if (!r.isEmpty()) {
      release(r.messages(), r.replies());
    }
  }

  private void release(List<Effects.Envelope> messages, List<Effects.ClientReply> replies) {
    for (Effects.Envelope env : messages) {
      if (env.message() instanceof PaxosMessage.Prepare) {
        prepares.increment();
      } else if (env.message() instanceof PaxosMessage.Accept) {
        accepts.increment();
      }
      network.send(env.to(), env.message());
    }
    for (Effects.ClientReply reply : replies) {
      Waiter w = waiting.remove(reply.opId());
      if (w != null) {
        w.callback().accept(reply.outcome());
      }
    }
  }

  private void failStop(CompletableFuture<Void> write) {
    if (failed) {
      return;
    }
    Throwable cause = write.handle((v, t) -> t).join();
    LOG.error(
        "node {}: a state write failed; stopping this node (its memory may be ahead of its disk)",
        id(),
        cause);
    failed = true;
    outbox.clear();
    answerWaiters("storage failed");
    // Closing waits for the channels, which must not happen on an event loop (this thread).
    Runnable stop =
        () -> {
          network.close();
          if (clientServer != null) {
            clientServer.close();
          }
        };
    try {
      callbacks.execute(stop);
    } catch (RejectedExecutionException e) {
      // closing anyway
    }
  }

  private void answerWaiters(String why) {
    for (Waiter w : waiting.values()) {
      w.callback()
          .accept(
              w.write()
                  ? new CasResult.Unknown("node " + id() + ": " + why + "; the write may apply")
                  : new Outcome.Failed("node " + id() + ": " + why));
    }
    waiting.clear();
  }

  // ------------------------------------------------------------------ key listing (scans)

  /**
   * Lists the keys in {@code [start, end)} (null bounds are open) that a quorum of replicas,
   * including this one, hold with a value (metadata keys, {@link NodeTopology#META_PREFIX}, never):
   * the union of their local listings (see {@link NodeMessage.ListKeys}). Completes on an IO or
   * callback thread; fails with a {@link TimeoutException} if no quorum answers in time.
   */
  public CompletableFuture<KeyPage> listKeys(
      Bytes start, Bytes end, int limit, long timeoutMillis) {
    int lim = Math.max(1, Math.min(limit, MAX_KEYS_PER_LISTING));
    long qid = nextKeyQuery.getAndIncrement();
    KeyQuery q = new KeyQuery(topology);
    keyQueries.put(qid, q);
    q.result.whenComplete((p, t) -> keyQueries.remove(qid));
    NodeMessage.ListKeys ask = new NodeMessage.ListKeys(qid, start, end, lim);
    for (int peer : network.peerIds()) {
      network.send(peer, ask);
    }
    try {
      // Peers without a connection yet (this node just started, a peer just joined) drop the
      // question: ask those that did not answer again until the deadline.
      ScheduledFuture<?> again =
          io.scheduleWithFixedDelay(
              () -> {
                for (int peer : network.peerIds()) {
                  if (!q.answered(peer)) {
                    network.send(peer, ask);
                  }
                }
              },
              LISTING_RESEND_MILLIS,
              LISTING_RESEND_MILLIS,
              TimeUnit.MILLISECONDS);
      q.result.whenComplete((p, t) -> again.cancel(false));
      callbacks.execute(
          () -> {
            try {
              if (membership.settled()) {
                q.add(id(), localKeys(start, end, lim));
              }
            } catch (StorageException e) {
              q.result.completeExceptionally(e);
            }
          });
      io.schedule(
          () ->
              q.result.completeExceptionally(
                  new TimeoutException("no quorum answered the key listing in time")),
          timeoutMillis,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      q.result.completeExceptionally(new IllegalStateException("node " + id() + " is closed"));
    }
    return q.result;
  }

  private void onNodeMessage(int from, NodeMessage m) {
    if (membership.onMessage(from, m)) {
      return;
    }
    if (m instanceof NodeMessage.Forward f) {
      serveForward(from, f);
      return;
    }
    if (m instanceof NodeMessage.SettleSegment q) {
      settleSegment(q.segment(), q.epoch(), q.timeoutMillis())
          .whenComplete(
              (n, t) ->
                  network.send(
                      from,
                      t == null
                          ? new NodeMessage.SegmentSettled(q.tag(), n, "")
                          : new NodeMessage.SegmentSettled(
                              q.tag(), -1, "node " + id() + ": " + rootMessage(t))));
      return;
    }
    if (m instanceof NodeMessage.SegmentSettled a) {
      CompletableFuture<Long> f = remoteSettles.remove(a.tag());
      if (f != null) {
        if (a.keys() >= 0) {
          f.complete(a.keys());
        } else {
          f.completeExceptionally(new IllegalStateException(a.error()));
        }
      }
      return;
    }
    if (m instanceof NodeMessage.MapVersion v) {
      mapHint(v.version());
      return;
    }
    if (m instanceof NodeMessage.ForwardReply r) {
      onForwardReply(from, r);
      return;
    }
    if (m instanceof NodeMessage.ListKeys q) {
      if (!membership.settled()) {
        return; // rebuilding or joining: its listing could miss keys it forgot
      }
      try {
        callbacks.execute(
            () -> {
              try {
                NodeMessage.KeyList l = localKeys(q.start(), q.end(), q.limit());
                network.send(from, new NodeMessage.KeyList(q.queryId(), l.keys(), l.truncated()));
              } catch (StorageException e) {
                LOG.warn("node {}: key listing for node {} failed: {}", id(), from, e.toString());
              }
            });
      } catch (RejectedExecutionException e) {
        // closing
      }
    } else if (m instanceof NodeMessage.KeyList l) {
      KeyQuery q = keyQueries.get(l.queryId());
      if (q != null) {
        q.add(from, l);
      }
    }
  }

  /**
   * This replica's keys in the range whose record holds a value: chosen, or accepted for the next
   * instance (an acknowledged write may be only accepted here). Deleted keys are skipped.
   */
  private NodeMessage.KeyList localKeys(Bytes start, Bytes end, int limit) {
    List<Bytes> keys = new ArrayList<>();
    boolean truncated = false;
    KeyRange range =
        KeyRange.of(
            start == null ? null : start.toByteArray(), end == null ? null : end.toByteArray());
    try (Scan s = table.scan(range)) {
      while (s.hasNext()) {
        KeyValue kv = s.next();
        if (Bytes.wrap(kv.key()).startsWith(NodeTopology.META_PREFIX)) {
          continue; // the cluster's own metadata is no user key
        }
        KeyState st = KeyStateCodec.decode(kv.value());
        // A fenced key may have held a value this node forgot (PAXOS.md): list it.
        boolean hasValue =
            Fence.isFenced(st)
                || st.value() != null
                || (st.accepted() != null && st.accepted().value() != null);
        if (!hasValue) {
          continue;
        }
        if (keys.size() == limit) {
          truncated = true;
          break;
        }
        keys.add(Bytes.wrap(kv.key()));
      }
    }
    return new NodeMessage.KeyList(0, keys, truncated);
  }

  /** Collects listings until a quorum answered, then builds the page. */
  private static final class KeyQuery {
    final NodeTopology topology;
    final Map<Integer, NodeMessage.KeyList> answers = new HashMap<>();
    final CompletableFuture<KeyPage> result = new CompletableFuture<>();

    KeyQuery(NodeTopology topology) {
      this.topology = topology;
    }

    synchronized boolean answered(int from) {
      return answers.containsKey(from);
    }

    synchronized void add(int from, NodeMessage.KeyList l) {
      if (result.isDone()) {
        return;
      }
      answers.put(from, l);
      if (!topology.quorumOfEverySegment(answers.keySet())) {
        return;
      }
      TreeSet<Bytes> union = new TreeSet<>();
      Bytes bound = null;
      for (NodeMessage.KeyList a : answers.values()) {
        union.addAll(a.keys());
        if (a.truncated()) {
          Bytes lastKey = a.keys().get(a.keys().size() - 1);
          if (bound == null || lastKey.compareTo(bound) < 0) {
            bound = lastKey;
          }
        }
      }
      // A truncated listing says nothing beyond its last key: the page is complete up to the
      // smallest such key only.
      List<Bytes> keys = new ArrayList<>(bound == null ? union : union.headSet(bound, true));
      result.complete(new KeyPage(keys, bound));
    }
  }

  // ------------------------------------------------------------------ joining and rebuilding

  /**
   * Called once the node knows what it is: a member (new or kept its disk) or, with {@code
   * rebuild}, a node that lost its disk and copies from its peers. Releases held client requests.
   */
  void activate(boolean rebuild) {
    rebuilding = rebuild;
    runOnLoop(
        () -> {
          joining = false;
          while (!held.isEmpty()) {
            held.poll().run();
          }
        });
  }

  /** Hands copied peer states of some keys to the replica; completes once they are absorbed. */
  CompletableFuture<Void> rebuildKeys(Map<Bytes, List<KeyState>> peerStates) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    runOnLoop(
        () -> {
          try {
            for (Map.Entry<Bytes, List<KeyState>> e : peerStates.entrySet()) {
              absorb(replica.rebuild(e.getKey(), e.getValue()));
            }
            f.complete(null);
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  /**
   * Ends the rebuild (the scan covered every key): keys still unknown get the default for absent
   * keys. Completes once every state write so far is durable, so the caller may then mark the node
   * rebuilt.
   */
  CompletableFuture<Void> finishRebuild(long peersAbsent) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    runOnLoop(
        () -> {
          absorb(replica.finishRebuild(Fence.absent(peersAbsent)));
          absentDepth = peersAbsent + 1;
          rebuilding = false;
          // Queued behind the flush that absorb scheduled: its synced write is then the last.
          runOnLoop(() -> lastSyncWrite.whenComplete((v, t) -> complete(f, t)));
        });
    return f;
  }

  private static void complete(CompletableFuture<Void> f, Throwable t) {
    if (t == null) {
      f.complete(null);
    } else {
      f.completeExceptionally(t);
    }
  }

  /**
   * This node's state records after {@code q.after()}, for a peer's rebuild; empty with depth -1
   * while this node cannot vouch for keys itself. Runs on the callback thread, off the replica.
   */
  NodeMessage.StateChunk serveScan(NodeMessage.StateScan q, int maxBytes) {
    if (!membership.settled() || rebuilding) {
      return new NodeMessage.StateChunk(q.queryId(), -1, List.of(), List.of(), false);
    }
    long depth = absentDepth;
    List<Bytes> keys = new ArrayList<>();
    List<Bytes> records = new ArrayList<>();
    boolean truncated = false;
    int bytes = 0;
    KeyRange range = KeyRange.of(q.after() == null ? null : q.after().toByteArray(), null);
    try (Scan s = table.scan(range)) {
      while (s.hasNext()) {
        KeyValue kv = s.next();
        Bytes key = Bytes.wrap(kv.key());
        if (q.after() != null && key.equals(q.after())) {
          continue;
        }
        if (keys.size() == q.limit() || bytes >= maxBytes) {
          truncated = true;
          break;
        }
        byte[] record = kv.value();
        if (Fence.isUnknown(KeyStateCodec.decode(record))) {
          // what this node's own loader would make of it (see loadState)
          record =
              KeyStateCodec.encode(
                  Fence.rebuild(
                      KeyStateCodec.decode(record), List.of(Fence.absent(Math.max(0, depth - 1)))));
        }
        keys.add(key);
        records.add(Bytes.wrap(record));
        bytes += kv.key().length + record.length;
      }
    }
    return new NodeMessage.StateChunk(q.queryId(), depth, keys, records, truncated);
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Counters: client requests, state records written, write batches, peer traffic (messages,
   * frames, flushes and bytes; see {@link io.quorumkv.replication.transport.TransportStats}),
   * messages dropped, Paxos prepares and accepts sent, rejects received (ballot conflicts) and
   * retried attempts, exactly-once window hits ({@code paxos.*}), and the engine's metrics.
   * Thread-safe.
   */
  public Map<String, Long> metrics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("requests", requests.get());
    m.put("requests.forwarded", forwards.get());
    m.put("requests.retried-after-move", movedRetries.get());
    m.put("requests.forwarded.served", forwardsServed.get());
    m.put("state.writes", writes.get());
    m.put("state.batches", writeBatches.get());
    m.put("state.batches.unsynced", lazyWrites.get());
    m.put("paxos.prepares.sent", prepares.sum());
    m.put("paxos.accepts.sent", accepts.sum());
    m.put("paxos.rejects.received", conflicts.sum());
    m.put("paxos.retries", replica.retries());
    m.put("paxos.exactly-once.hits", replica.exactlyOnceHits());
    m.putAll(network.stats().snapshot());
    m.put("messages.dropped", network.dropped());
    m.putAll(engine.metrics());
    return m;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (clientServer != null) {
      clientServer.close();
    }
    membership.close();
    network.close();
    try {
      loop.submit(
              () -> {
                if (wakeTimer != null) {
                  wakeTimer.cancel(false);
                }
                answerWaiters("shutting down");
                outbox.clear();
                joining = false;
                while (!held.isEmpty()) {
                  held.poll().run(); // closed: each is answered as failed
                }
              })
          .awaitUninterruptibly();
    } catch (RejectedExecutionException e) {
      // already stopped
    }
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    callbacks.shutdown();
    scans.shutdown();
    try {
      if (!callbacks.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("node {}: callbacks still running at close", id());
      }
      if (!scans.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("node {}: a scan still running at close", id());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.close();
    LOG.info("node {} closed", id());
  }
}
