package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import java.util.Map;
import java.util.Objects;

/**
 * Messages between a native client and the node it talks to (see {@link ClientCodec} for the
 * bytes). A client may have many requests in flight on one connection; responses carry the
 * request's tag and may arrive in any order.
 */
public sealed interface ClientMessage {

  /**
   * One operation on one key. Only serializable operations travel: {@link Operation.Read}, {@link
   * Operation.Put}, {@link Operation.Delete}, {@link Operation.Cas}, {@link Operation.CasVersion}
   * (an {@link Operation.Update} carries a function and runs only in-process).
   *
   * @param tag the client's correlation id, echoed in the {@link Response}
   * @param key the key
   * @param operation what to do
   * @param requestId the exactly-once id (writes), {@code null} for reads
   * @param retry whether this request may already have been sent before (to any node)
   * @param timeoutMillis how long the coordinator may work on it
   */
  record Request(
      long tag,
      Bytes key,
      Operation operation,
      RequestId requestId,
      boolean retry,
      int timeoutMillis)
      implements ClientMessage {
    /** Validates. */
    public Request {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operation, "operation");
      if (operation instanceof Operation.Update) {
        throw new IllegalArgumentException("an Update cannot be sent over the network");
      }
      if (operation.isWrite()) {
        Objects.requireNonNull(requestId, "writes need a request id");
      }
      if (timeoutMillis <= 0) {
        throw new IllegalArgumentException("timeout must be positive");
      }
    }
  }

  /**
   * The outcome of the request {@code tag}.
   *
   * @param tag the request's tag
   * @param outcome the outcome
   */
  record Response(long tag, Outcome outcome) implements ClientMessage {
    /** Validates. */
    public Response {
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * Asks the node for its counters (messages, frames and bytes sent to peers, storage writes, ...),
   * answered by a {@link StatsResponse} with the same tag. For benchmarks and operators.
   *
   * @param tag the client's correlation id
   */
  record StatsRequest(long tag) implements ClientMessage {}

  /**
   * An explicitly weaker read: the value this one node has learned for {@code key}, from its own
   * memory or storage, without asking a quorum. It may be stale (older than the latest chosen
   * value, or absent while the node is rebuilding); never use it where a linearizable read is
   * needed. Answered by a {@link Response} with {@link Outcome.ReadOk} or {@link Outcome.Failed}.
   *
   * @param tag the request's correlation tag
   * @param key the key
   */
  record LocalRead(long tag, Bytes key) implements ClientMessage {
    /** Validates. */
    public LocalRead {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * The node's counters at the time of the request {@code tag}.
   *
   * @param tag the request's tag
   * @param stats counter name to value, in a stable order
   */
  record StatsResponse(long tag, Map<String, Long> stats) implements ClientMessage {
    /** Copies the map, keeping its order. */
    public StatsResponse {
      stats = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stats));
    }
  }
}
