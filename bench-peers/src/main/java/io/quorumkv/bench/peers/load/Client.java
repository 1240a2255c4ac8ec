package io.quorumkv.bench.peers.load;

/**
 * The operations every workload is built from, each blocking until the system answered. Reads are
 * the system's linearizable (or strongest ordinary) read; writes are durable as the system is
 * configured. An exception means the operation failed or its outcome is unknown; the load generator
 * counts it as an error.
 */
public interface Client extends AutoCloseable {

  /** The value of {@code key}, or {@code null} if it has none. */
  byte[] get(String key) throws Exception;

  /** Sets {@code key} to {@code value} unconditionally. */
  void put(String key, byte[] value) throws Exception;

  /**
   * Sets {@code key} to {@code next} only if its current value equals {@code expected}, decided
   * atomically by the system.
   *
   * @return true if applied, false if the current value differed (a conflict)
   */
  boolean compareAndSet(String key, byte[] expected, byte[] next) throws Exception;

  /** Closes this client; failures are logged, not thrown (a benchmark tear-down must go on). */
  @Override
  void close();
}
