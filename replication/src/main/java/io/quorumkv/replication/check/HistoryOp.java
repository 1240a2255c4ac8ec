package io.quorumkv.replication.check;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Operation;
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
 * @param observed for an OK read, or an OK CAS or update that did not apply: the value seen; for an
 *     OK update that applied: the value it wrote (if {@code observedKnown})
 * @param version for an OK operation: the version written or observed, or -1 if unreported
 * @param invokeTime when it was invoked
 * @param completeTime when it completed; {@link Long#MAX_VALUE} for {@link Status#INFO}
 * @param update for {@link Kind#UPDATE}: the very function the client submitted (the model applies
 *     it to its own state, so it must be deterministic)
 * @param observedKnown whether {@code observed} is meaningful (false for an applied update whose
 *     written value was not reported)
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
    long completeTime,
    Operation.UpdateFunction update,
    boolean observedKnown) {

  /** The operation kinds of the register model. */
  public enum Kind {
    /** Reads the value. */
    READ,
    /** Writes {@code value} unconditionally (put, or delete when null). */
    WRITE,
    /** Writes {@code value} if the register holds {@code expected}. */
    CAS,
    /** Applies {@code update} to the register (a general read-modify-write). */
    UPDATE
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

  /** An operation of a kind other than {@link Kind#UPDATE}. */
  public HistoryOp(
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
    this(
        process,
        key,
        kind,
        value,
        expected,
        status,
        applied,
        observed,
        version,
        invokeTime,
        completeTime,
        null,
        true);
  }

  /** Validates. */
  public HistoryOp {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    if ((kind == Kind.UPDATE) != (update != null)) {
      throw new IllegalArgumentException("an update function goes with kind UPDATE only");
    }
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
      case UPDATE -> sb.append(' ').append(update);
    }
    sb.append(" [").append(invokeTime).append(", ");
    sb.append(completeTime == Long.MAX_VALUE ? "inf" : Long.toString(completeTime)).append("] ");
    sb.append(status);
    if (status == Status.OK) {
      if (kind == Kind.READ || (kind != Kind.WRITE && !applied)) {
        sb.append(" saw ").append(observed);
      } else if (kind == Kind.UPDATE && observedKnown) {
        sb.append(" wrote ").append(observed);
      }
      if (kind == Kind.CAS || kind == Kind.UPDATE) {
        sb.append(applied ? " applied" : " not-applied");
      }
      if (version >= 0) {
        sb.append(" v").append(version);
      }
    }
    return sb.toString();
  }
}
