package io.quorumkv.replication.paxos;

import java.util.Objects;

/**
 * One client request submitted to a coordinating replica.
 *
 * @param opId the caller's correlation id, echoed in the {@link Effects.ClientReply}
 * @param key the key
 * @param operation what to do
 * @param requestId the exactly-once id; required for writes, ignored for reads
 * @param retry whether this is a retry of a request that may already be in flight elsewhere
 * @param deadlineMillis when to give up (in the clock of {@link Replica#tick})
 */
public record ClientRequest(
    long opId,
    Bytes key,
    Operation operation,
    RequestId requestId,
    boolean retry,
    long deadlineMillis) {
  /** Validates. */
  public ClientRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    if (operation.isWrite()) {
      Objects.requireNonNull(requestId, "writes need a request id");
    }
  }
}
