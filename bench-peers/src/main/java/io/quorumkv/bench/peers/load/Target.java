package io.quorumkv.bench.peers.load;

/**
 * One system under test as the load generator sees it: a way to create the benchmark's table or key
 * space, fill it, and open clients. Implementations: etcd (jetcd), PostgreSQL (its JDBC driver),
 * QuorumKV through its JDBC driver and through its native client.
 */
public interface Target extends AutoCloseable {

  /** A short stable name used in result tables, e.g. {@code etcd}, {@code postgres}. */
  String name();

  /**
   * Creates (or empties) the key space the workloads use, then writes {@code keys} keys of {@code
   * valueBytes}-byte values with {@code clients} concurrent writers. Keys are {@link
   * Keys#key(long)} for 0 &le; i &lt; keys. Idempotent: a second call leaves the same state.
   */
  void load(long keys, int valueBytes, int clients) throws Exception;

  /**
   * Opens one client. The load generator gives each of its threads its own client and calls it from
   * that thread only; an implementation may share one underlying connection among clients where
   * that is how the system is normally used (jetcd, the native QuorumKV client).
   */
  Client newClient() throws Exception;

  /** Releases what this target opened; failures are logged, not thrown. */
  @Override
  void close();
}
