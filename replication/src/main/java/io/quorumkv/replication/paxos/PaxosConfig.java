package io.quorumkv.replication.paxos;

/**
 * Tunables of the core. Times are in the milliseconds of {@link Replica#tick}.
 *
 * @param attemptTimeoutMillis how long one prepare, accept or read round waits for a quorum before
 *     it is retried with a higher ballot
 * @param backoffBaseMillis the upper bound of the first contention backoff; doubles per retry
 * @param backoffMaxMillis the cap of the backoff bound
 * @param windowSize how many clients' last applied requests each key remembers for exactly-once
 *     retries
 */
public record PaxosConfig(
    long attemptTimeoutMillis, long backoffBaseMillis, long backoffMaxMillis, int windowSize) {

  /** Defaults for a LAN: 100 ms attempts, 2..64 ms backoff, 8 clients per key. */
  public static final PaxosConfig DEFAULT = new PaxosConfig(100, 2, 64, 8);

  /** Validates. */
  public PaxosConfig {
    if (attemptTimeoutMillis <= 0
        || backoffBaseMillis <= 0
        || backoffMaxMillis < backoffBaseMillis) {
      throw new IllegalArgumentException("bad timing");
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be >= 1");
    }
  }
}
