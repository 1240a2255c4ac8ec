package io.quorumkv.planner.rel;

import io.quorumkv.planner.schema.TableDef;
import java.util.Iterator;
import java.util.List;

/**
 * How a planned scan reads rows at run time; implemented by the executor over the replicated store
 * (the planner cannot depend on it). Rows are canonical values (see {@link
 * io.quorumkv.planner.schema.ColumnType}) in the table's column order followed by the row's version
 * as a {@link Long}. Each row read is linearizable on its own; a scan is not a snapshot across
 * rows. Implementations are thread-safe.
 */
public interface RowSource {

  /**
   * One bound of a key column.
   *
   * @param value a canonical value of the key column's type
   * @param inclusive whether rows equal to the bound are in range
   */
  record Bound(Object value, boolean inclusive) {}

  /** The row with exactly this key (canonical values in key order), or null. */
  Object[] get(TableDef table, List<Object> key);

  /**
   * The rows whose first key columns equal {@code prefix} and whose next key column lies within the
   * bounds (a null bound is open), in key order.
   */
  Iterator<Object[]> scan(TableDef table, List<Object> prefix, Bound lower, Bound upper);
}
