package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.Bytes;
import java.util.List;
import java.util.Objects;

/**
 * Messages between nodes that are not part of the per-key protocol and are answered by the node
 * runtime rather than by the {@link io.quorumkv.replication.paxos.Replica}. They share the frames
 * (and the merging) of {@link io.quorumkv.replication.paxos.PaxosMessage}s.
 */
public sealed interface NodeMessage {

  /**
   * Asks a replica for the keys in {@code [start, end)} that its local storage holds with a value
   * (chosen or accepted), in ascending order, at most {@code limit}. A scan asks a quorum and takes
   * the union: a key acknowledged as present is on a quorum, so the union cannot miss it.
   *
   * @param queryId the asker's correlation id
   * @param start the first key, {@code null} for unbounded
   * @param end the first key excluded, {@code null} for unbounded
   * @param limit at most this many keys, at least 1
   */
  record ListKeys(long queryId, Bytes start, Bytes end, int limit) implements NodeMessage {
    /** Validates. */
    public ListKeys {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be >= 1");
      }
    }
  }

  /**
   * The answer to {@link ListKeys}.
   *
   * @param queryId the query's id
   * @param keys the keys, ascending
   * @param truncated whether more keys in the range may follow the last one
   */
  record KeyList(long queryId, List<Bytes> keys, boolean truncated) implements NodeMessage {
    /** Copies the list. */
    public KeyList {
      keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }
  }
}
