package io.quorumkv.executor;

import java.util.Arrays;
import java.util.List;

/**
 * What executing a statement produced: rows (a query, SHOW/DESCRIBE/EXPLAIN, or the outcome rows of
 * a conditional write) or an update count (INSERT, UPSERT, UPDATE, DELETE without {@code IF}; DDL
 * reports 0). Values are {@link io.quorumkv.planner.schema.ColumnType}'s canonical Java values:
 * TIMESTAMP is a {@link Long} of epoch milliseconds (UTC), VARBINARY a {@code byte[]}, DECIMAL a
 * {@link java.math.BigDecimal}. Immutable once returned.
 */
public sealed interface StatementResult {

  /**
   * Rows with their columns, fully materialized.
   *
   * @param columns the result's columns
   * @param rows each row's values in column order
   */
  record Rows(List<ResultColumn> columns, List<Object[]> rows) implements StatementResult {

    /** Copies the lists. */
    public Rows {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }

    /** The value of column {@code name} in row {@code row}. */
    public Object value(int row, String name) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          return rows.get(row)[i];
        }
      }
      throw new IllegalArgumentException("no column " + name);
    }

    @Override
    public String toString() {
      StringBuilder out =
          new StringBuilder("Rows").append(columns.stream().map(ResultColumn::name).toList());
      for (Object[] r : rows) {
        out.append('\n').append(Arrays.deepToString(r));
      }
      return out.toString();
    }
  }

  /**
   * How many rows a write changed.
   *
   * @param count rows inserted, updated or deleted
   */
  record UpdateCount(long count) implements StatementResult {}
}
