package io.quorumkv.executor.write;

import io.quorumkv.executor.catalog.StoreCatalog;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out hidden row ids for tables without a primary key. Ids are reserved from the catalog in
 * blocks by a read-modify-write on the table's counter key, so ids are unique across every node and
 * restart (a restart abandons the rest of its block; ids are unique, not dense). Thread-safe.
 */
public final class RowIdAllocator {

  /** How many ids one reservation takes. */
  static final int BLOCK = 1024;

  private final StoreCatalog catalog;
  private final Map<Integer, long[]> blocks = new HashMap<>();

  /** Allocates from {@code catalog}'s counters. */
  public RowIdAllocator(StoreCatalog catalog) {
    this.catalog = catalog;
  }

  /** A row id never handed out before for table {@code tableId}. */
  public synchronized long next(int tableId) {
    long[] block = blocks.get(tableId);
    if (block == null || block[0] == block[1]) {
      long first = catalog.reserveRowIds(tableId, BLOCK);
      block = new long[] {first, first + BLOCK};
      blocks.put(tableId, block);
    }
    return block[0]++;
  }
}
