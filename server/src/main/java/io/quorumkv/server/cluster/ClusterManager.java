package io.quorumkv.server.cluster;

import io.quorumkv.placement.Balancer;
import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMap.Segment;
import io.quorumkv.placement.ClusterMapCodec;
import io.quorumkv.placement.KeyHash;
import io.quorumkv.replication.node.NodeTopology;
import io.quorumkv.replication.node.ReplicaNode;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.GroupConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node on the cluster map and, on the node that leads, changes the map.
 *
 * <ul>
 *   <li><b>Watching.</b> The map is a metadata key read linearizably every second, and at once when
 *       a peer says it has a newer one or refuses a request as stale; a newer map is made durable
 *       and adopted by the node ({@link ReplicaNode#adopt}).
 *   <li><b>Bootstrap.</b> A cluster without a map gets {@link ClusterMap#bootstrap}: every segment
 *       on every founding node at epoch 0, which is how it placed keys before, so nothing changes
 *       until the balancer moves segments.
 *   <li><b>Driving.</b> The leader (the lowest-id active node among this node and the peers it is
 *       connected to) runs up to {@code cluster.max-concurrent-moves} moves at once, each of its
 *       own segment ({@link Balancer#nextMoves}): {@link ClusterMap#beginMove} (joint), then every
 *       member of the old group settles its keys of the segment and, once a majority has, {@link
 *       ClusterMap#finishMove}; then asks the {@link Balancer} for the next. Each change is a
 *       compare-and-set on the stored map, so two nodes that both believe they lead cannot both
 *       change it; a move half done by a leader that died is finished by the next.
 * </ul>
 *
 * <p>All work runs on one thread of its own, which may block on the node's futures.
 */
public final class ClusterManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterManager.class);

  /** The name of the cluster map's metadata key. */
  static final String MAP_KEY = "cluster-map";

  /**
   * The store key of the cluster map ({@link NodeTopology#META_PREFIX} then {@code cluster-map}):
   * an operator tool may read it with any client and change it by compare-and-set on its version,
   * exactly as the nodes do.
   */
  public static Bytes mapKey() {
    return MetaRegister.keyOf(MAP_KEY);
  }

  private static final long POLL_MILLIS = 1_000;
  private static final long DRIVE_MILLIS = 200;
  private static final long SETTLE_TIMEOUT_MILLIS = 120_000;

  private final ReplicaNode node;
  private final List<NodeInfo> founders;
  private final NodeInfo self;
  private final int segments;
  private final int replicationFactor;
  private final boolean balance;
  private final int maxMoves;
  private final MetaRegister register;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean pollQueued = new AtomicBoolean();
  private volatile ClusterMap map;
  private volatile long mapPaxosVersion;
  private volatile String lastProblem;
  private String zoneWarning;

  /**
   * A manager for {@code node}.
   *
   * @param self this node as its configuration describes it (zone, peer address), which the map is
   *     corrected to ({@code null}: never corrected)
   * @param founders the nodes of the node's configuration (itself and its peers), with zones; empty
   *     for a node that joined a running cluster
   * @param segments the segment count of a new cluster's map ({@code cluster.segments})
   * @param replicationFactor replicas per segment
   * @param balance whether this node may drive moves (off: it only watches)
   * @param maxMoves how many segments may move at once ({@code cluster.max-concurrent-moves})
   * @param stored the map this node adopted last ({@code null}: none)
   */
  public ClusterManager(
      ReplicaNode node,
      NodeInfo self,
      List<NodeInfo> founders,
      int segments,
      int replicationFactor,
      boolean balance,
      int maxMoves,
      ClusterMap stored,
      long timeoutMillis) {
    KeyHash.checkSegmentCount(segments);
    this.node = node;
    this.founders = List.copyOf(founders);
    this.self = self;
    this.segments = segments;
    this.replicationFactor = replicationFactor;
    this.balance = balance;
    if (maxMoves < 1) {
      throw new IllegalArgumentException("at least one move at a time, not " + maxMoves);
    }
    this.maxMoves = maxMoves;
    this.map = stored;
    this.register = new MetaRegister(node, MAP_KEY, timeoutMillis);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "qkv-cluster-" + node.id());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The placement of {@code map} as the replication core sees it: the segment of a key by {@link
   * KeyHash}, each segment's configuration, and the map's metadata group.
   */
  public static NodeTopology topology(ClusterMap map) {
    List<GroupConfig> configs = new ArrayList<>();
    for (Segment g : map.segments()) {
      configs.add(new GroupConfig(g.epoch(), g.replicas(), g.next()));
    }
    int count = map.segmentCount();
    return new NodeTopology(
        map.version(),
        key -> KeyHash.segmentOf(key.asReadOnlyBuffer(), count),
        configs,
        GroupConfig.stable(0, map.metaGroup()));
  }

  /** The stored map of {@code engine}'s node, or {@code null} (none, or unreadable: logged). */
  public static ClusterMap decodeStored(byte[] stored) {
    return stored == null ? null : ClusterMapCodec.decode(stored);
  }

  /** Starts watching (and, if allowed, driving). */
  public void start() {
    node.onMapHint(v -> requestPoll());
    thread.scheduleWithFixedDelay(this::pollQuietly, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    if (balance) {
      thread.scheduleWithFixedDelay(this::driveQuietly, 500, DRIVE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** The map this node has adopted, or {@code null} before the first. */
  public ClusterMap map() {
    return map;
  }

  /** The last reason the manager could not make progress, or {@code null}. */
  public String lastProblem() {
    return lastProblem;
  }

  private void requestPoll() {
    if (pollQueued.compareAndSet(false, true)) {
      try {
        thread.execute(
            () -> {
              pollQueued.set(false);
              pollQuietly();
            });
      } catch (RejectedExecutionException e) {
        pollQueued.set(false); // closing
      }
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (ClusterMapUnavailableException e) {
      lastProblem = e.getMessage();
      LOG.debug("node {}: cluster map not readable now: {}", node.id(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      lastProblem = e.toString();
      LOG.warn("node {}: cluster map watch failed: {}", node.id(), e.toString());
    }
  }

  /** Reads the stored map and adopts it if newer; bootstraps one if there is none. */
  private ClusterMap poll() throws ClusterMapUnavailableException, InterruptedException {
    MetaRegister.Versioned v = register.read();
    if (v.value() == null && founders.isEmpty()) {
      return null; // a joining node never creates a map (it found one when it joined)
    }
    if (v.value() == null) {
      ClusterMap first = ClusterMap.bootstrap(founders, segments, replicationFactor);
      if (register.compareAndSet(v.version(), ClusterMapCodec.encode(first))) {
        LOG.info(
            "node {}: created the cluster map: {} segments on {} nodes",
            node.id(),
            segments,
            founders.size());
      }
      v = register.read();
      if (v.value() == null) {
        return null;
      }
    }
    ClusterMap read;
    try {
      read = ClusterMapCodec.decode(v.value());
    } catch (ClusterMapCodec.CorruptClusterMapException e) {
      lastProblem = "the stored cluster map is unreadable: " + e.getMessage();
      LOG.error("node {}: {}", node.id(), lastProblem);
      return null;
    }
    mapPaxosVersion = v.version();
    adopt(read, v.value());
    return correctSelf(read);
  }

  /**
   * Corrects this node's zone and address in {@code m} if its configuration says otherwise (it was
   * restarted with a new {@code node.zone} or address, or a founder's peers did not name its zone);
   * the map after that.
   */
  private ClusterMap correctSelf(ClusterMap m)
      throws ClusterMapUnavailableException, InterruptedException {
    NodeInfo listed = m.node(node.id());
    if (self == null
        || listed == null
        || (listed.zone().equals(self.zone()) && listed.address().equals(self.address()))) {
      return m;
    }
    ClusterMap next = m.updateNode(self);
    String what =
        "node "
            + node.id()
            + " is in zone "
            + self.zone()
            + " at "
            + self.address()
            + " (the map said "
            + listed.zone()
            + " at "
            + listed.address()
            + ")";
    return change(m, next, what) ? next : m;
  }

  private void adopt(ClusterMap read, byte[] stored) throws InterruptedException {
    ClusterMap current = map;
    if (current != null
        && read.version() <= current.version()
        && node.topology().version() >= read.version()) {
      return;
    }
    try {
      node.adopt(topology(read), stored).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      lastProblem = "adopting map version " + read.version() + " failed: " + e;
      LOG.warn("node {}: {}", node.id(), lastProblem);
      return;
    }
    map = read;
    connectPeers(node, read);
    String zones = Balancer.explainZones(read);
    if (zones != null && !zones.equals(zoneWarning)) {
      LOG.warn("node {}: {}", node.id(), zones);
    }
    zoneWarning = zones;
  }

  /**
   * Adds the nodes of {@code map} to {@code node}'s peers (with their addresses there): a node that
   * joined is connected to. A node removed from the map stays connected until it is stopped, so a
   * decommissioned node still answers as a proxy while an operator moves its clients away.
   */
  public static void connectPeers(ReplicaNode node, ClusterMap map) {
    for (NodeInfo n : map.nodes()) {
      if (n.id() != node.id()) {
        try {
          node.addPeer(n.id(), peerAddress(n.address()));
        } catch (IllegalArgumentException e) {
          LOG.warn("node {}: node {} has an unusable address in the map: {}", node.id(), n, e);
        }
      }
    }
  }

  /** A {@code host:port} address of the map as a socket address (resolved). */
  public static InetSocketAddress peerAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not host:port: " + hostPort);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not host:port: " + hostPort, e);
    }
    return new InetSocketAddress(hostPort.substring(0, colon), port);
  }

  // ------------------------------------------------------------------ driving

  private boolean leads(ClusterMap m) {
    for (int id : m.nodesIn(NodeState.ACTIVE)) {
      if (id == node.id()) {
        return true;
      }
      if (node.connectedTo(id)) {
        return false; // a lower active node is up: it leads
      }
    }
    return false; // this node is not active (leaving): it never leads
  }

  private void driveQuietly() {
    try {
      drive();
    } catch (ClusterMapUnavailableException e) {
      lastProblem = e.getMessage();
      LOG.debug("node {}: cannot change the cluster map now: {}", node.id(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      lastProblem = e.toString();
      LOG.warn("node {}: driving the cluster map failed: {}", node.id(), e.toString());
    }
  }

  /** Steps of the leader while each makes progress (at most a few, to let polls in). */
  private void drive() throws ClusterMapUnavailableException, InterruptedException {
    for (int i = 0; i < 8 && step(); i++) {
      // each step changed the map; go on at once
    }
  }

  /**
   * One step of the leader: ends the moves in progress whose old group a majority settled, removes
   * a leaving node that holds nothing, and starts new moves up to {@code maxMoves} in all, in one
   * change of the map; whether it changed the map.
   */
  private boolean step() throws ClusterMapUnavailableException, InterruptedException {
    ClusterMap m = map;
    if (m == null || !leads(m)) {
      return false;
    }
    m = poll(); // act on the latest map, not the cached one
    if (m == null || !leads(m)) {
      return false;
    }
    List<Integer> moving = m.movingSegments();
    if (!moving.isEmpty() && node.topology().version() < m.version()) {
      return false; // adopt first (the poll just did, unless adopting failed)
    }
    ClusterMap next = m;
    List<String> what = new ArrayList<>();
    for (Map.Entry<Integer, Long> done : settle(m, moving).entrySet()) {
      int s = done.getKey();
      next = next.finishMove(s);
      what.add(
          "segment "
              + s
              + " now on "
              + m.segment(s).next()
              + " ("
              + done.getValue()
              + " key records settled)");
    }
    for (int id : next.nodesIn(NodeState.LEAVING)) {
      if (next.segmentCounts().get(id) == 0) {
        next = next.removeNode(id);
        what.add("node " + id + " decommissioned: it holds no segment");
      }
    }
    // New moves wait for the next step when moves ended in this one: a segment must not go from
    // its joint configuration to another move's joint one without the stable epoch between them
    // (every node adopts each epoch of a segment in turn, as the protocol was shown safe for).
    List<Balancer.Move> moves = what.isEmpty() ? Balancer.nextMoves(next, maxMoves) : List.of();
    for (Balancer.Move mv : moves) {
      what.add(
          "segment "
              + mv.segment()
              + " moves from "
              + next.segment(mv.segment()).replicas()
              + " to "
              + mv.target());
      next = next.beginMove(mv.segment(), mv.target());
    }
    return next != m && change(m, next, String.join("; ", what));
  }

  /**
   * Settles each moving segment on its old group, all at once; the segments a majority of whose old
   * group settled, with the key records settled.
   */
  private Map<Integer, Long> settle(ClusterMap m, List<Integer> moving)
      throws InterruptedException {
    Map<Integer, SettleRound> rounds = new TreeMap<>();
    for (int s : moving) {
      rounds.put(s, new SettleRound(m, s));
    }
    Map<Integer, Long> done = new TreeMap<>();
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MILLIS + 5_000);
    for (Map.Entry<Integer, SettleRound> r : rounds.entrySet()) {
      SettleRound round = r.getValue();
      try {
        round.enough.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        round.failures.add("no majority answered in time");
      }
      if (round.settled.get() >= round.need) {
        done.put(r.getKey(), round.keys.get());
      } else {
        lastProblem =
            "segment "
                + r.getKey()
                + " not settled by a majority of "
                + m.segment(r.getKey()).replicas()
                + ": "
                + round.failures;
        LOG.info("node {}: {}", node.id(), lastProblem);
      }
    }
    return done;
  }

  /**
   * The settles of one moving segment on every member of its old group; {@code enough} completes
   * once a majority settled (what the protocol needs: a slow member does not hold the move) or can
   * no longer.
   */
  private final class SettleRound {
    final int need;
    final AtomicInteger settled = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicLong keys = new AtomicLong();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Void> enough = new CompletableFuture<>();

    SettleRound(ClusterMap m, int s) {
      Segment g = m.segment(s);
      int members = g.replicas().size();
      need = members / 2 + 1;
      for (int member : g.replicas()) {
        node.settleSegmentOn(member, s, g.epoch(), SETTLE_TIMEOUT_MILLIS)
            .whenComplete(
                (n, t) -> {
                  if (t == null) {
                    keys.addAndGet(n);
                    if (settled.incrementAndGet() >= need) {
                      enough.complete(null);
                    }
                  } else {
                    failures.add(t.getCause() == null ? t.toString() : t.getCause().getMessage());
                    if (refused.incrementAndGet() > members - need) {
                      enough.complete(null);
                    }
                  }
                });
      }
    }
  }

  /** Writes {@code next} over {@code base} if nobody changed the map meanwhile. */
  private boolean change(ClusterMap base, ClusterMap next, String what)
      throws ClusterMapUnavailableException, InterruptedException {
    byte[] stored = ClusterMapCodec.encode(next);
    if (!register.compareAndSet(mapPaxosVersion, stored)) {
      LOG.debug("node {}: the cluster map changed under '{}'; reading it again", node.id(), what);
      return false;
    }
    LOG.info("node {}: cluster map version {}: {}", node.id(), next.version(), what);
    mapPaxosVersion++;
    adopt(next, stored);
    node.announceMapVersion(next.version());
    lastProblem = null;
    return true;
  }

  // ------------------------------------------------------------------ operator changes

  /**
   * Applies an operator's change (a split, a decommission) to the latest map, retrying while other
   * changes get in between; returns the new map.
   *
   * @throws IllegalArgumentException if the change is impossible (the message says why)
   * @throws ClusterMapUnavailableException if the map cannot be read or written now
   */
  public ClusterMap apply(UnaryOperator<ClusterMap> change, String what)
      throws ClusterMapUnavailableException, InterruptedException {
    CompletableFuture<ClusterMap> result = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            for (int attempt = 0; attempt < 20; attempt++) {
              ClusterMap m = poll();
              if (m == null) {
                throw new ClusterMapUnavailableException("no cluster map yet");
              }
              ClusterMap next = change.apply(m);
              if (change(m, next, what)) {
                result.complete(next);
                return;
              }
            }
            throw new ClusterMapUnavailableException("the cluster map kept changing");
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new ClusterMapUnavailableException("changing the cluster map timed out");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IllegalArgumentException iae) {
        throw iae;
      }
      if (c instanceof ClusterMapUnavailableException u) {
        throw u;
      }
      throw new ClusterMapUnavailableException(String.valueOf(c));
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    node.onMapHint(null);
  }
}
