package io.quorumkv.bench.jdbc;

/**
 * One benchmark client: a JDBC connection, an in-process session or a share of the native client.
 * Used by one thread.
 */
interface BenchClient extends AutoCloseable {

  /** Reads key {@code k}; returns its value. */
  long read(long k) throws Exception;

  /**
   * Reads key {@code k} and writes {@code value + 1} if it still holds what was read.
   *
   * @return whether the conditional write applied
   */
  boolean readThenCas(long k) throws Exception;

  @Override
  void close() throws java.sql.SQLException;
}
