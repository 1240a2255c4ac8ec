package io.quorumkv.storage;

import java.util.List;
import java.util.Map;

/**
 * A storage engine: a set of named {@link Table tables} kept in one directory (or in memory).
 *
 * <p>Thread-safe: every method may be called from any thread. Tables are first-class namespaces;
 * each engine maps them onto its own structure (a RocksDB column family, a Bitcask directory, a
 * sorted map). Closing the engine closes its tables; operations after close throw {@link
 * StorageClosedException}.
 */
public interface StorageEngine extends AutoCloseable {

  /** The kind of engine, e.g. {@code "memory"}, {@code "bitcask"}, {@code "lsm"}. */
  String kind();

  /**
   * Opens the named table, creating it if it does not exist. Creation is durable before this method
   * returns. Repeated calls return the same table instance.
   *
   * @param name a table name of 1 to 128 characters from {@code [A-Za-z0-9_.-]}
   * @throws IllegalArgumentException if the name is not valid
   */
  Table table(String name);

  /** The names of the existing tables, in ascending order. */
  List<String> tableNames();

  /**
   * Drops the named table and all its data. A {@link Table} handle to it throws {@link
   * StorageClosedException} afterwards.
   *
   * @return whether the table existed
   */
  boolean dropTable(String name);

  /**
   * Counters this engine keeps about itself, e.g. {@code "commit.groups"} and {@code
   * "commit.requests"} whose ratio is the group-commit batching factor. The map is a snapshot.
   */
  Map<String, Long> metrics();

  /**
   * Flushes and closes all tables. Writes that completed are preserved according to their
   * durability; writes still in flight complete exceptionally. Idempotent.
   */
  @Override
  void close();
}
