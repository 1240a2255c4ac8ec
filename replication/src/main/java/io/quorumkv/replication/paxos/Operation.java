package io.quorumkv.replication.paxos;

import java.util.Objects;

/**
 * What a client asks of one key. Values are {@code null} for "absent".
 *
 * <p>Every write is a read-modify-write at heart: the coordinator evaluates {@link #decide} against
 * the latest chosen value {@code chosen(v)} inside the round, and only the resulting proposal for
 * version {@code v + 1} travels on the wire. {@link Put}, {@link Delete}, {@link Cas} and {@link
 * CasVersion} are fixed decisions that can be serialized (a native client may send them to any
 * node); {@link Update} carries an arbitrary function and can only be submitted to a coordinator in
 * the same process.
 */
public sealed interface Operation {

  /** Whether this operation may change the key (and so needs a request id). */
  default boolean isWrite() {
    return !(this instanceof Read || this instanceof Settle);
  }

  /**
   * What this write does given the latest chosen value. Called by the coordinator on its own
   * thread, possibly several times per request (once per attempt).
   *
   * @param current the latest chosen value, {@code null} if absent
   * @param version its version, 0 if the key was never written
   * @throws UnsupportedOperationException for a {@link Read}
   */
  Decision decide(Bytes current, long version);

  /** A linearizable read. */
  record Read() implements Operation {
    @Override
    public Decision decide(Bytes current, long version) {
      throw new UnsupportedOperationException("reads decide nothing");
    }
  }

  /**
   * A linearizable read that also makes the key's latest chosen value durable at a majority of the
   * group the key moves to ({@link PaxosMessage.Sync}), answered as a read. The migration of a
   * segment settles each of its keys this way under the joint configuration before the move
   * completes (PAXOS.md, "Moving a key between groups"). It fails unless the coordinator's
   * configuration of the key is the moving one of {@code epoch}: settled under any other, it would
   * prove nothing about the move. Never serialized.
   *
   * @param epoch the epoch of the moving configuration this settle is for
   */
  record Settle(long epoch) implements Operation {
    @Override
    public Decision decide(Bytes current, long version) {
      throw new UnsupportedOperationException("settling decides nothing");
    }
  }

  /** Sets the value. */
  record Put(Bytes value) implements Operation {
    /** Rejects a null value; use {@link Delete}. */
    public Put {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Decision decide(Bytes current, long version) {
      return new Decision.Write(value);
    }
  }

  /** Removes the value. */
  record Delete() implements Operation {
    @Override
    public Decision decide(Bytes current, long version) {
      return Decision.DELETE;
    }
  }

  /**
   * Sets {@code newValue} if the current value equals {@code expected}.
   *
   * @param expected the required current value, {@code null} for "absent"
   * @param newValue the value to set, {@code null} to delete
   */
  record Cas(Bytes expected, Bytes newValue) implements Operation {
    @Override
    public Decision decide(Bytes current, long version) {
      return Objects.equals(expected, current) ? new Decision.Write(newValue) : Decision.SKIP;
    }
  }

  /**
   * Sets {@code newValue} if the key's current version is {@code expectedVersion} (optimistic
   * concurrency: read, compute, write back only if nobody wrote in between).
   *
   * @param expectedVersion the required current version; 0 for "never written"
   * @param newValue the value to set, {@code null} to delete
   */
  record CasVersion(long expectedVersion, Bytes newValue) implements Operation {
    @Override
    public Decision decide(Bytes current, long version) {
      return version == expectedVersion ? new Decision.Write(newValue) : Decision.SKIP;
    }
  }

  /**
   * A general read-modify-write: {@code function} maps the latest chosen value and version to a
   * decision. Never serialized; submit it only to a local coordinator.
   *
   * @param function a pure, fast function (it runs on the coordinator's thread and may run more
   *     than once per request); if it throws, the request fails (or is unknown if an earlier
   *     attempt already proposed)
   */
  record Update(UpdateFunction function) implements Operation {
    /** Rejects a null function. */
    public Update {
      Objects.requireNonNull(function, "function");
    }

    @Override
    public Decision decide(Bytes current, long version) {
      return Objects.requireNonNull(function.apply(current, version), "decision");
    }
  }

  /** The function of an {@link Update}. */
  @FunctionalInterface
  interface UpdateFunction {
    /**
     * Decides the write.
     *
     * @param current the latest chosen value, {@code null} if absent
     * @param version its version, 0 if the key was never written
     * @return the decision, never {@code null}
     */
    Decision apply(Bytes current, long version);
  }

  /** The outcome of evaluating a write against the latest chosen value. */
  sealed interface Decision {
    /** Delete the key. */
    Decision DELETE = new Write(null);

    /** Change nothing: the request answers {@link CasResult.NotApplied}. */
    Decision SKIP = new Skip();

    /**
     * Write {@code value}.
     *
     * @param value the new value, {@code null} to delete
     */
    record Write(Bytes value) implements Decision {}

    /** Write nothing. */
    record Skip() implements Decision {}
  }
}
