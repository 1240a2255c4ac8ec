package io.quorumkv.replication.node;

import io.quorumkv.replication.node.NodeIdentity.Marker;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Fence;
import io.quorumkv.replication.paxos.KeyState;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.MalformedDataException;
import io.quorumkv.replication.transport.NodeMessage;
import io.quorumkv.storage.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node becomes a voting member (PAXOS.md, "Node runtime", "Joining and rebuilding"):
 *
 * <ul>
 *   <li><b>No identity marker</b> (a new or a lost data directory): the node takes no part in the
 *       protocol and holds client requests, and asks its peers whether they know it as a member,
 *       until enough peers ({@code n - quorum + 1}, a set meeting every set of peers that recorded
 *       it) answered. If any knows it, it lost its disk: it rebuilds. If none does, it is new: it
 *       writes {@link Marker#UNCONFIRMED}, tells its peers it is a member until {@code quorum - 1}
 *       of them recorded that durably (any {@code n - quorum + 1} peers include one of those), then
 *       writes {@link Marker#MEMBER} and starts.
 *   <li><b>Rebuilding</b>: the node runs with every key {@link Fence#UNKNOWN} (silent acceptor, no
 *       coordination of such keys) and copies all keys in chunks from {@code n - quorum + 1} peers
 *       that are not rebuilding themselves: one chunk in flight at a time (backpressure), served by
 *       the peers off their replica thread, restarted after a timeout; a crash restarts the scan
 *       (copies are idempotent). At the end it marks itself {@link Marker#REBUILT}, once every
 *       copied record is durable.
 *   <li><b>Members</b> announce themselves to every peer now and then, so a peer that was rebuilt
 *       learns again who the members are.
 * </ul>
 *
 * <p>Thread-safe: messages arrive on IO threads, timers fire on the node's event loops, blocking
 * storage writes run on the node's callback thread.
 */
final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  static final int CHUNK_KEYS = 256;
  private static final int CHUNK_BYTES = 1 << 20;
  private static final long RETRY_MILLIS = 100;
  private static final long CHUNK_TIMEOUT_MILLIS = 3000;
  private static final long ANNOUNCE_MILLIS = 2000;

  private enum Phase {
    ASKING,
    CONFIRMING,
    REBUILDING,
    DONE
  }

  private final ReplicaNode node;
  private final NodeIdentity identity;
  private final PeerNetwork network;
  private final List<Integer> peers;
  private final int need;
  private final int recorders;
  private final ScheduledExecutorService timer;
  private final Executor blocking;
  private final Set<Integer> known = ConcurrentHashMap.newKeySet();

  // guarded by this
  private Phase phase;
  private long query;
  private long nextQuery;
  private final Map<Integer, Boolean> answers = new HashMap<>();
  private final Map<Integer, NodeMessage.StateChunk> chunks = new HashMap<>();
  private Bytes after;
  private long peersAbsent;
  private long keysCopied;
  private boolean closed;

  Membership(
      ReplicaNode node,
      NodeIdentity identity,
      PeerNetwork network,
      List<Integer> peers,
      int groupSize,
      ScheduledExecutorService timer,
      Executor blocking,
      long firstQuery) {
    this.node = node;
    this.identity = identity;
    this.network = network;
    this.peers = List.copyOf(peers);
    this.need = groupSize - (groupSize / 2 + 1) + 1;
    // Any `need` peers asked after a loss meet any `recorders` peers that recorded the node: both
    // are sets of the n - 1 others, and need + recorders = n > n - 1.
    this.recorders = groupSize - need;
    this.timer = timer;
    this.blocking = blocking;
    this.nextQuery = firstQuery;
  }

  /** How many peers must answer: with this node left out, they meet every quorum. */
  int needed() {
    return need;
  }

  /** Starts from the marker read at start ({@code null}: none). */
  synchronized void start(Marker marker) {
    known.addAll(identity.knownPeers());
    if (marker == null) {
      phase = Phase.ASKING;
      query = nextQuery++;
      if (need > peers.size() || peers.isEmpty()) {
        decideNew(); // a group of one: nobody else can know it
        return;
      }
      ask();
    } else if (marker == Marker.UNCONFIRMED) {
      phase = Phase.CONFIRMING;
      query = nextQuery++;
      ask();
    } else if (marker == Marker.REBUILDING) {
      phase = Phase.REBUILDING;
      requestChunk();
    } else {
      phase = Phase.DONE;
      announce();
    }
  }

  synchronized void close() {
    closed = true;
  }

  /** Whether the node is rebuilding or not yet decided (it must not vouch for keys). */
  synchronized boolean settled() {
    return phase == Phase.DONE;
  }

  private void later(long millis, Runnable r) {
    try {
      timer.schedule(r, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void blocking(Runnable r) {
    try {
      blocking.execute(r);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  // ------------------------------------------------------------------ joining

  private void ask() {
    if (closed || (phase != Phase.ASKING && phase != Phase.CONFIRMING)) {
      return;
    }
    boolean initialized = phase == Phase.CONFIRMING;
    for (int p : peers) {
      if (!answers.containsKey(p)) {
        network.send(p, new NodeMessage.Membership(query, initialized));
      }
    }
    long q = query;
    later(
        RETRY_MILLIS,
        () -> {
          synchronized (this) {
            if (query == q) {
              ask();
            }
          }
        });
  }

  private synchronized void onAnswer(int from, NodeMessage.MembershipAnswer a) {
    if (closed || a.queryId() != query) {
      return;
    }
    if (phase == Phase.ASKING) {
      answers.put(from, a.knowsYou());
      if (a.knowsYou()) {
        phase = Phase.REBUILDING;
        query = nextQuery++;
        LOG.warn(
            "node {}: no identity marker, but node {} knows it as a member: its disk was lost;"
                + " rebuilding from peers",
            node.id(),
            from);
        blocking(
            () -> {
              identity.setMarker(Marker.REBUILDING);
              node.activate(true);
              synchronized (this) {
                requestChunk();
              }
            });
      } else if (answers.size() >= need) {
        decideNew();
      }
    } else if (phase == Phase.CONFIRMING && a.knowsYou()) {
      answers.put(from, true);
      if (answers.size() >= recorders) {
        phase = Phase.DONE;
        query = nextQuery++;
        blocking(
            () -> {
              identity.setMarker(Marker.MEMBER);
              LOG.info("node {}: a new member, recorded by {} peers", node.id(), recorders);
              node.activate(false);
              synchronized (this) {
                announce();
              }
            });
      }
    }
  }

  private void decideNew() {
    phase = Phase.CONFIRMING;
    query = nextQuery++;
    answers.clear();
    blocking(
        () -> {
          identity.setMarker(Marker.UNCONFIRMED);
          synchronized (this) {
            if (peers.isEmpty() || need > peers.size()) {
              phase = Phase.DONE;
              identity.setMarker(Marker.MEMBER);
              node.activate(false);
              return;
            }
            ask();
          }
        });
  }

  /** Members remind their peers now and then (a rebuilt peer forgot who the members are). */
  private void announce() {
    if (closed) {
      return;
    }
    long q = nextQuery++;
    for (int p : peers) {
      network.send(p, new NodeMessage.Membership(q, true));
    }
    later(
        ANNOUNCE_MILLIS,
        () -> {
          synchronized (this) {
            announce();
          }
        });
  }

  /** Answers a peer's membership question; records it durably first if it says it is a member. */
  private void onMembership(int from, NodeMessage.Membership m) {
    blocking(
        () -> {
          if (m.initialized() && !known.contains(from)) {
            try {
              identity.recordPeer(from);
            } catch (StorageException e) {
              LOG.warn("node {}: cannot record member {}: {}", node.id(), from, e.toString());
              return;
            }
            known.add(from);
          }
          network.send(from, new NodeMessage.MembershipAnswer(m.queryId(), known.contains(from)));
        });
  }

  // ------------------------------------------------------------------ rebuilding

  private void requestChunk() {
    if (closed || phase != Phase.REBUILDING) {
      return;
    }
    query = nextQuery++;
    chunks.clear();
    for (int p : peers) {
      network.send(p, new NodeMessage.StateScan(query, after, CHUNK_KEYS));
    }
    long q = query;
    later(
        CHUNK_TIMEOUT_MILLIS,
        () -> {
          synchronized (this) {
            if (query == q && phase == Phase.REBUILDING) {
              requestChunk(); // too few usable peers answered: ask again
            }
          }
        });
  }

  private synchronized void onChunk(int from, NodeMessage.StateChunk c) {
    if (closed || phase != Phase.REBUILDING || c.queryId() != query || c.absentDepth() < 0) {
      return;
    }
    chunks.put(from, c);
    if (chunks.size() < need) {
      return;
    }
    query = -1; // this chunk is complete: later answers are not needed
    // A truncated chunk says nothing beyond its last key: copy up to the smallest such key.
    Bytes bound = null;
    for (NodeMessage.StateChunk ch : chunks.values()) {
      if (ch.truncated() && !ch.keys().isEmpty()) {
        Bytes last = ch.keys().get(ch.keys().size() - 1);
        if (bound == null || last.compareTo(bound) < 0) {
          bound = last;
        }
      }
    }
    TreeMap<Bytes, List<KeyState>> byKey = new TreeMap<>();
    try {
      for (NodeMessage.StateChunk ch : chunks.values()) {
        peersAbsent = Math.max(peersAbsent, ch.absentDepth());
      }
      for (NodeMessage.StateChunk ch : chunks.values()) {
        for (int i = 0; i < ch.keys().size(); i++) {
          Bytes k = ch.keys().get(i);
          if (bound == null || k.compareTo(bound) <= 0) {
            byKey.computeIfAbsent(k, x -> new ArrayList<>());
          }
        }
      }
      // Each peer's state of each key: its record, or its default for keys it holds none of.
      for (Map.Entry<Bytes, List<KeyState>> e : byKey.entrySet()) {
        for (NodeMessage.StateChunk ch : chunks.values()) {
          int i = ch.keys().indexOf(e.getKey());
          e.getValue()
              .add(
                  i >= 0
                      ? KeyStateCodec.decode(ch.records().get(i).toByteArray())
                      : Fence.absent(ch.absentDepth()));
        }
      }
    } catch (MalformedDataException e) {
      LOG.warn("node {}: bad rebuild chunk, asking again: {}", node.id(), e.toString());
      requestChunk();
      return;
    }
    Bytes next = bound;
    keysCopied += byKey.size();
    node.rebuildKeys(byKey)
        .whenComplete(
            (v, t) -> {
              synchronized (this) {
                if (t != null) {
                  LOG.warn(
                      "node {}: rebuild chunk failed, asking again: {}", node.id(), t.toString());
                  requestChunk();
                } else if (next != null) {
                  after = next;
                  requestChunk();
                } else {
                  finish();
                }
              }
            });
  }

  private void finish() {
    long depth = peersAbsent + 1;
    long copied = keysCopied;
    node.finishRebuild(peersAbsent)
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                return; // the node stopped (a failed write); the next start rebuilds again
              }
              blocking(
                  () -> {
                    identity.setAbsentDepth(depth);
                    identity.setMarker(Marker.REBUILT);
                    synchronized (this) {
                      phase = Phase.DONE;
                      announce();
                    }
                    LOG.info(
                        "node {}: rebuilt from peers ({} keys copied); voting again",
                        node.id(),
                        copied);
                  });
            });
  }

  // ------------------------------------------------------------------ dispatch

  /** Handles one of this class's messages; returns whether it was one. */
  boolean onMessage(int from, NodeMessage m) {
    if (m instanceof NodeMessage.Membership q) {
      onMembership(from, q);
    } else if (m instanceof NodeMessage.MembershipAnswer a) {
      onAnswer(from, a);
    } else if (m instanceof NodeMessage.StateScan q) {
      blocking(() -> network.send(from, node.serveScan(q, CHUNK_BYTES)));
    } else if (m instanceof NodeMessage.StateChunk c) {
      onChunk(from, c);
    } else {
      return false;
    }
    return true;
  }
}
