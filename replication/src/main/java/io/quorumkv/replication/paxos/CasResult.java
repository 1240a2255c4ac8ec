package io.quorumkv.replication.paxos;

/**
 * The outcome of a write (put, delete or compare-and-set): applied, not applied (the condition was
 * false, with the current value), or unknown (it may still take effect; retry with the same request
 * id to find out).
 */
public sealed interface CasResult extends Outcome {

  /** The write was chosen at {@code version}. */
  record Applied(long version) implements CasResult {}

  /**
   * The condition was false: the key held {@code current} at {@code version} (a linearizable
   * observation).
   */
  record NotApplied(Bytes current, long version) implements CasResult {}

  /** The write may or may not have taken effect. Distinct from {@link Outcome.Failed}. */
  record Unknown(String reason) implements CasResult {}
}
