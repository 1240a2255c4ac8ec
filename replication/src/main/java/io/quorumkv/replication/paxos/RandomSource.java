package io.quorumkv.replication.paxos;

/**
 * Randomness injected into the core (only for contention backoff). A simulator passes a seeded
 * source so runs replay exactly.
 */
@FunctionalInterface
public interface RandomSource {
  /** A uniformly distributed value in {@code [0, bound)}; {@code bound > 0}. */
  long nextLong(long bound);
}
