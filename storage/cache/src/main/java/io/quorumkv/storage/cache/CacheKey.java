package io.quorumkv.storage.cache;

import java.util.Arrays;

/**
 * A cached key: the table handle (by identity, so a dropped and re-created table never sees the old
 * table's entries) and the key bytes (by content). The hash is computed once.
 */
final class CacheKey {

  private final CachingTable table;
  private final byte[] key;
  private final int hash;

  CacheKey(CachingTable table, byte[] key) {
    this.table = table;
    this.key = key;
    this.hash = 31 * System.identityHashCode(table) + Arrays.hashCode(key);
  }

  CachingTable table() {
    return table;
  }

  byte[] key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && k.table == table && Arrays.equals(k.key, key);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return table.name() + "/" + java.util.HexFormat.of().formatHex(key);
  }
}
