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

  /**
   * Membership: asks whether the receiver durably knows the sender as a node that has been a member
   * (PAXOS.md, "Node runtime", detecting a lost disk). With {@code initialized} set, the sender
   * says it is one: the receiver records that durably before answering.
   *
   * @param queryId the asker's correlation id
   * @param initialized whether the sender has (or is writing) its identity marker
   */
  record Membership(long queryId, boolean initialized) implements NodeMessage {}

  /**
   * The answer to {@link Membership}.
   *
   * @param queryId the query's id
   * @param knowsYou whether the receiver's durable state names the asker as a member
   */
  record MembershipAnswer(long queryId, boolean knowsYou) implements NodeMessage {}

  /**
   * Rebuild scan: asks for the receiver's state records ({@link
   * io.quorumkv.replication.paxos.KeyStateCodec}) of the keys after {@code after} (null: from the
   * first), in ascending order, at most {@code limit}. Served off the replica thread.
   *
   * @param queryId the asker's correlation id
   * @param after the last key already copied, or {@code null}
   * @param limit at most this many records, at least 1
   */
  record StateScan(long queryId, Bytes after, int limit) implements NodeMessage {
    /** Validates. */
    public StateScan {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be >= 1");
      }
    }
  }

  /**
   * The answer to {@link StateScan}.
   *
   * @param queryId the query's id
   * @param absentDepth the {@link io.quorumkv.replication.paxos.Fence#absent} depth the sender
   *     gives keys it holds no record of, or -1 if it cannot vouch for keys (it is joining or
   *     rebuilding itself; the chunk is then empty)
   * @param keys the keys, ascending
   * @param records their encoded state records, one per key
   * @param truncated whether more keys may follow the last one
   */
  record StateChunk(
      long queryId, long absentDepth, List<Bytes> keys, List<Bytes> records, boolean truncated)
      implements NodeMessage {
    /** Copies the lists. */
    public StateChunk {
      keys = List.copyOf(keys);
      records = List.copyOf(records);
      if (keys.size() != records.size() || absentDepth < -1) {
        throw new IllegalArgumentException("one record per key, depth >= -1");
      }
    }
  }

  /**
   * A client request for a key the sender does not replicate, forwarded one hop to a replica of the
   * key ("every node is a proxy"). The body is a {@link ClientMessage.Request} in {@link
   * ClientCodec}'s encoding (its tag is this message's {@code tag}); the replica coordinates it as
   * its own and never forwards it again.
   *
   * @param tag the forwarding node's correlation id
   * @param request the encoded request
   */
  record Forward(long tag, Bytes request) implements NodeMessage {
    /** Validates. */
    public Forward {
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * The outcome of a {@link Forward}: a {@link ClientMessage.Response} in {@link ClientCodec}'s
   * encoding.
   *
   * @param tag the forward's tag
   * @param response the encoded response
   */
  record ForwardReply(long tag, Bytes response) implements NodeMessage {
    /** Validates. */
    public ForwardReply {
      Objects.requireNonNull(response, "response");
    }
  }

  /**
   * Asks the receiver, a member of {@code segment}'s old group, to settle every key it holds of the
   * segment under the moving configuration of {@code epoch} (PAXOS.md, "Which keys to settle").
   *
   * @param tag the asker's correlation id
   * @param segment the moving segment
   * @param epoch the epoch of its moving configuration
   * @param timeoutMillis how long the receiver may take
   */
  record SettleSegment(long tag, int segment, long epoch, int timeoutMillis)
      implements NodeMessage {
    /** Validates. */
    public SettleSegment {
      if (segment < 0 || epoch < 0 || timeoutMillis < 1) {
        throw new IllegalArgumentException("segment, epoch >= 0 and timeout >= 1");
      }
    }
  }

  /**
   * The answer to {@link SettleSegment}.
   *
   * @param tag the request's tag
   * @param keys how many keys were settled, or -1 if settling failed
   * @param error why it failed, empty if it did not
   */
  record SegmentSettled(long tag, long keys, String error) implements NodeMessage {
    /** Validates. */
    public SegmentSettled {
      Objects.requireNonNull(error, "error");
      if (keys < -1) {
        throw new IllegalArgumentException("keys >= -1");
      }
    }
  }

  /**
   * The sender's cluster map version: a receiver that has an older one reads the map again (sent by
   * a node that changed the map, and to a peer whose request was refused as stale).
   *
   * @param version the sender's map version
   */
  record MapVersion(long version) implements NodeMessage {}
}
