package io.quorumkv.executor.read;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.encoding.KeyEncoder;
import io.quorumkv.executor.encoding.RowCodec;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.rel.RowSource;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;

/**
 * Reads rows for planned queries from the {@link KeyValueStore}: a point get per key, and key
 * ranges computed from a key prefix and bounds with the order-preserving key encoding (so a
 * primary-key range is one contiguous scan). Each row read is linearizable. A row written under a
 * newer schema than the plan's (a concurrent ADD COLUMN) is decoded with the catalog's current
 * definition and cut to the plan's columns. Thread-safe.
 */
public final class StoreRowSource implements RowSource {

  private final KeyValueStore store;
  private final StoreCatalog catalog;

  /** Reads from {@code store}, with {@code catalog} for newer schemas. */
  public StoreRowSource(KeyValueStore store, StoreCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  @Override
  public Object[] get(TableDef table, List<Object> key) {
    VersionedValue v;
    try {
      v = store.get(StoreCatalog.rowKey(table, key)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return v == null ? null : row(table, v);
  }

  /**
   * Decodes a row read by the caller from {@link StoreCatalog#rowKey}, or returns null when it was
   * written under a newer schema than {@code table}'s (decoding it needs a catalog read: use {@link
   * #get} then). Never blocks.
   */
  public static Object[] rowIfCurrent(TableDef table, VersionedValue v) {
    if (RowCodec.schemaVersion(v.value()) > table.schemaVersion()) {
      return null;
    }
    Object[] values = RowCodec.decode(table.columnTypes(), v.value());
    Object[] out = Arrays.copyOf(values, table.columns().size() + 1);
    out[table.columns().size()] = v.version();
    return out;
  }

  /** The store this source reads. */
  public KeyValueStore store() {
    return store;
  }

  @Override
  public Iterator<Object[]> scan(TableDef table, List<Object> prefix, Bound lower, Bound upper) {
    ByteArrayOutputStream base = new ByteArrayOutputStream();
    base.writeBytes(StoreCatalog.tablePrefix(table.id()));
    List<ColumnType> keyTypes = table.keyTypes();
    for (int i = 0; i < prefix.size(); i++) {
      KeyEncoder.encode(base, keyTypes.get(i), prefix.get(i));
    }
    byte[] prefixBytes = base.toByteArray();
    ColumnType next = prefix.size() < keyTypes.size() ? keyTypes.get(prefix.size()) : null;
    byte[] start =
        lower == null
            ? prefixBytes
            : lower.inclusive()
                ? append(prefixBytes, next, lower.value())
                : successor(append(prefixBytes, next, lower.value()));
    byte[] end =
        upper == null
            ? successor(prefixBytes)
            : upper.inclusive()
                ? successor(append(prefixBytes, next, upper.value()))
                : append(prefixBytes, next, upper.value());
    Iterator<KeyValueStore.Entry> it = store.scan(start, end, Integer.MAX_VALUE);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Object[] next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        return row(table, it.next().value());
      }
    };
  }

  private static byte[] append(byte[] prefix, ColumnType type, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length + 16);
    out.writeBytes(prefix);
    KeyEncoder.encode(out, type, value);
    return out.toByteArray();
  }

  /**
   * The smallest byte string greater than every string starting with {@code b}, or null if there is
   * none (all 0xFF).
   */
  static byte[] successor(byte[] b) {
    int i = b.length - 1;
    while (i >= 0 && b[i] == (byte) 0xFF) {
      i--;
    }
    if (i < 0) {
      return null;
    }
    byte[] out = Arrays.copyOf(b, i + 1);
    out[i]++;
    return out;
  }

  /** The row's values in the plan's column order, then its version. */
  private Object[] row(TableDef table, VersionedValue v) {
    TableDef def = table;
    if (RowCodec.schemaVersion(v.value()) > table.schemaVersion()) {
      def =
          catalog
              .fresh(table.name())
              .filter(t -> t.id() == table.id())
              .orElseThrow(
                  () ->
                      new QueryException(
                          QueryException.UNDEFINED_TABLE,
                          "table " + table.name() + " was dropped while the query ran"));
    }
    Object[] values = RowCodec.decode(def.columnTypes(), v.value());
    Object[] out = Arrays.copyOf(values, table.columns().size() + 1);
    out[table.columns().size()] = v.version();
    return out;
  }
}
