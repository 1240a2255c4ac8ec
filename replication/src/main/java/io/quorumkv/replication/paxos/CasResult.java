package io.quorumkv.replication.paxos;

/**
 * The outcome of a write (put, delete, compare-and-set, update): applied (with the value written),
 * not applied (the condition was false, with the current value), or unknown (it may still take
 * effect; retry with the same request id to find out).
 */
public sealed interface CasResult extends Outcome {

  /**
   * The write was chosen at {@code version}.
   *
   * @param version the version the write created
   * @param value the value it wrote ({@code null} for a delete), meaningful iff {@code valueKnown}
   * @param valueKnown false only when a retry was answered from the exactly-once window after later
   *     writes overwrote the value (the coordinator no longer knows what an {@link
   *     Operation.Update} computed back then)
   */
  record Applied(long version, Bytes value, boolean valueKnown) implements CasResult {
    /** Applied at {@code version}, writing {@code value}. */
    public Applied(long version, Bytes value) {
      this(version, value, true);
    }
  }

  /**
   * The condition was false: the key held {@code current} at {@code version} (a linearizable
   * observation).
   */
  record NotApplied(Bytes current, long version) implements CasResult {}

  /** The write may or may not have taken effect. Distinct from {@link Outcome.Failed}. */
  record Unknown(String reason) implements CasResult {}
}
