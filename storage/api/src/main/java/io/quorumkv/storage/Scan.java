package io.quorumkv.storage;

import java.util.Iterator;

/**
 * An ordered iteration over a consistent view of a table. Not thread-safe; must be closed, which
 * releases whatever the view pins (a RocksDB snapshot, Bitcask data files).
 */
public interface Scan extends Iterator<KeyValue>, AutoCloseable {
  /** Releases the view. Idempotent. */
  @Override
  void close();
}
