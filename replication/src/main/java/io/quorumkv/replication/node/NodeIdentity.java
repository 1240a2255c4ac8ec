package io.quorumkv.replication.node;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A node's durable identity in table {@value #TABLE} of its own engine: the marker saying what the
 * node is ({@link Marker}), and the peers it knows to have been members. A data directory without a
 * marker is either brand new or lost (PAXOS.md, "Node runtime"). Records: key {@code marker} holds
 * one byte (the marker's code); key {@code peer/<id>} exists for each peer known as a member.
 *
 * <p>Thread-safe (the table is); writes are synced and blocking, so call them off the replica
 * thread.
 */
final class NodeIdentity {
  /** The table name. */
  static final String TABLE = "node";

  private static final byte[] MARKER = "marker".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ABSENT_DEPTH = "absent-depth".getBytes(StandardCharsets.US_ASCII);
  private static final String PEER_PREFIX = "peer/";
  private static final byte[] CLUSTER_MAP = "cluster-map".getBytes(StandardCharsets.US_ASCII);

  /** What a node with a marker is. */
  enum Marker {
    /** Decided it is new, waiting until enough peers recorded it as a member before voting. */
    UNCONFIRMED(1),
    /** A member from its first start. */
    MEMBER(2),
    /** Lost its state; copying from peers (PAXOS.md, "A replica that lost its disk"). */
    REBUILDING(3),
    /** Rebuilt from peers: keys without a record are fenced in instance 1. */
    REBUILT(4);

    final int code;

    Marker(int code) {
      this.code = code;
    }
  }

  private final Table table;

  NodeIdentity(StorageEngine engine) {
    this.table = engine.table(TABLE);
  }

  /** The marker, or {@code null} if this data directory has none. */
  Marker marker() {
    byte[] b = table.get(MARKER);
    if (b == null) {
      return null;
    }
    for (Marker m : Marker.values()) {
      if (b.length == 1 && m.code == b[0]) {
        return m;
      }
    }
    throw new IllegalStateException("unknown identity marker " + java.util.Arrays.toString(b));
  }

  /** Writes the marker durably (blocking). */
  void setMarker(Marker m) {
    table.put(MARKER, new byte[] {(byte) m.code}, Durability.SYNC);
  }

  /** The {@link io.quorumkv.replication.paxos.Fence#absent} depth of this node (0 if none). */
  long absentDepth() {
    byte[] b = table.get(ABSENT_DEPTH);
    return b == null ? 0 : java.nio.ByteBuffer.wrap(b).getLong();
  }

  /** Writes the absent depth durably (blocking); before the marker that relies on it. */
  void setAbsentDepth(long depth) {
    table.put(
        ABSENT_DEPTH, java.nio.ByteBuffer.allocate(8).putLong(depth).array(), Durability.SYNC);
  }

  /** The peers recorded as members. */
  Set<Integer> knownPeers() {
    Set<Integer> peers = new HashSet<>();
    byte[] start = PEER_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] end = "peer0".getBytes(StandardCharsets.US_ASCII); // '0' follows '/'
    try (Scan s = table.scan(KeyRange.of(start, end))) {
      while (s.hasNext()) {
        KeyValue kv = s.next();
        String k = new String(kv.key(), StandardCharsets.US_ASCII);
        peers.add(Integer.parseInt(k.substring(PEER_PREFIX.length())));
      }
    }
    return peers;
  }

  /** Records durably (blocking) that {@code peer} has been a member. */
  void recordPeer(int peer) {
    table.put(
        (PEER_PREFIX + peer).getBytes(StandardCharsets.US_ASCII), new byte[] {1}, Durability.SYNC);
  }

  /** The cluster map this node adopted last, in its durable form, or {@code null} if none. */
  public byte[] clusterMap() {
    return table.get(CLUSTER_MAP);
  }

  /** Writes the adopted cluster map durably (blocking), before the node uses it. */
  void setClusterMap(byte[] durableForm) {
    table.put(CLUSTER_MAP, durableForm, Durability.SYNC);
  }
}
