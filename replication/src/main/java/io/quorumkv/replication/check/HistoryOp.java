package io.quorumkv.replication.check;

import io.quorumkv.replication.paxos.Bytes;
import java.util.Objects;

/**
 * One operation of a client history: its invocation and completion. Times are positions in one
 * global order of events (any strictly increasing counter), so real-time order is {@code
 * a.completeTime < b.invokeTime}.
 *
 * @param process the client process that ran it (a process runs one operation at a time)
 * @param key the register
 * @param kind what was asked
 * @param value the written value (write, or CAS's new value); {@code null} means absent/delete
 * @param expected CAS's expected value ({@code null} means absent)
 * @param status how it ended
 * @param applied for an OK CAS: whether it applied
 * @param observed for an OK read, or an OK CAS that did not apply: the value seen
 * @param version for an OK operation: the version written or observed, or -1 if unreported
 * @param invokeTime when it was invoked
 * @param completeTime when it completed; {@link Long#MAX_VALUE} for {@link Status#INFO}
 */
public record HistoryOp(
    int process,
    Bytes key,
    Kind kind,
    Bytes value,
    Bytes expected,
    Status status,
    boolean applied,
    Bytes observed,
    long version,
    long invokeTime,
    long completeTime) {

  /** The operation kinds of the register model. */
  public enum Kind {
    /** Reads the value. */
    READ,
    /** Writes {@code value} unconditionally (put, or delete when null). */
    WRITE,
    /** Writes {@code value} if the register holds {@code expected}. */
    CAS
  }

  /** How an operation ended, in Jepsen's terms. */
  public enum Status {
    /** Completed with a definite result. */
    OK,
    /** Definitely did not take effect. */
    FAIL,
    /** Unknown: may take effect at any time after its invocation, or never. */
    INFO
  }

  /** Validates. */
  public HistoryOp {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    if (completeTime <= invokeTime) {
      throw new IllegalArgumentException("completion must follow invocation");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append('p').append(process).append(' ').append(kind);
    switch (kind) {
      case READ -> {}
      case WRITE -> sb.append(' ').append(value);
      case CAS -> sb.append(' ').append(expected).append("->").append(value);
    }
    sb.append(" [").append(invokeTime).append(", ");
    sb.append(completeTime == Long.MAX_VALUE ? "inf" : Long.toString(completeTime)).append("] ");
    sb.append(status);
    if (status == Status.OK) {
      if (kind == Kind.READ || (kind == Kind.CAS && !applied)) {
        sb.append(" saw ").append(observed);
      }
      if (kind == Kind.CAS) {
        sb.append(applied ? " applied" : " not-applied");
      }
      if (version >= 0) {
        sb.append(" v").append(version);
      }
    }
    return sb.toString();
  }
}
