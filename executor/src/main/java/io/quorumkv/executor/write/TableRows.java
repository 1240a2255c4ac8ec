package io.quorumkv.executor.write;

import io.quorumkv.executor.ResultColumn;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.encoding.RowCodec;
import io.quorumkv.executor.eval.Expr;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.ValueErrors;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.ColumnType.Kind;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.ValueException;
import java.util.ArrayList;
import java.util.List;

/** Row-level helpers shared by the write plans: decoding, encoding, keys, outcome rows. */
final class TableRows {

  private TableRows() {}

  /**
   * Thrown inside a {@code decide} function when the row was written under a newer schema than the
   * statement's: the caller refreshes the definition and runs that row's round again.
   */
  static final class StaleSchema extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleSchema() {
      super("row written under a newer schema", null, false, false);
    }
  }

  /** Decodes a row, refusing one written under a schema newer than {@code table}'s. */
  static Object[] decode(TableDef table, VersionedValue v) {
    if (RowCodec.schemaVersion(v.value()) > table.schemaVersion()) {
      throw new StaleSchema();
    }
    return RowCodec.decode(table.columnTypes(), v.value());
  }

  static byte[] encode(TableDef table, Object[] row) {
    return RowCodec.encode(table.schemaVersion(), table.columnTypes(), row);
  }

  static byte[] key(TableDef table, Object[] row) {
    List<Object> k = new ArrayList<>(table.primaryKey().size());
    for (int i : table.primaryKey()) {
      k.add(row[i]);
    }
    return StoreCatalog.rowKey(table, k);
  }

  /** Pads a row decoded or built under an older definition to the width of {@code table}. */
  static Object[] widen(TableDef table, Object[] row) {
    if (row.length == table.columns().size()) {
      return row;
    }
    Object[] out = new Object[table.columns().size()];
    System.arraycopy(row, 0, out, 0, row.length);
    return out;
  }

  /** Checks at compile time that a value of {@code e}'s type can be assigned to {@code column}. */
  static void checkAssignable(ColumnDef column, Expr e, SourcePos pos) {
    ColumnType from = e.type();
    ColumnType to = column.type();
    if (from == null) {
      return;
    }
    boolean ok =
        switch (to.kind()) {
          case INTEGER, BIGINT, DECIMAL, DOUBLE ->
              from.kind() == Kind.INTEGER
                  || from.kind() == Kind.BIGINT
                  || from.kind() == Kind.DECIMAL
                  || from.kind() == Kind.DOUBLE;
          case VARBINARY -> from.kind() == Kind.VARBINARY || from.kind() == Kind.VARCHAR;
          default -> from.kind() == to.kind();
        };
    if (!ok) {
      throw QueryException.at(
          pos,
          QueryException.DATATYPE_MISMATCH,
          "cannot assign a value of type "
              + from
              + " to column "
              + column.name()
              + " of type "
              + to);
    }
  }

  /** Converts a value for {@code column}, checking NOT NULL; errors point at {@code pos}. */
  static Object assign(ColumnDef column, Object value, SourcePos pos) {
    if (value == null) {
      if (!column.nullable()) {
        throw at(
            pos,
            QueryException.NOT_NULL_VIOLATION,
            "column " + column.name() + " must not be NULL");
      }
      return null;
    }
    try {
      return column.type().coerce(value);
    } catch (ValueException e) {
      throw at(pos, ValueErrors.sqlState(e), "column " + column.name() + ": " + e.getMessage());
    }
  }

  private static QueryException at(SourcePos pos, String state, String message) {
    return pos == null
        ? new QueryException(state, message)
        : QueryException.at(pos, state, message);
  }

  /** The columns of a conditional write's outcome row: applied, the visible columns, _VERSION. */
  static List<ResultColumn> outcomeColumns(TableDef table) {
    List<ResultColumn> cols = new ArrayList<>();
    cols.add(new ResultColumn("applied", ColumnType.BOOLEAN, false));
    for (ColumnDef c : table.columns()) {
      if (!c.hidden()) {
        cols.add(new ResultColumn(c.name(), c.type(), true));
      }
    }
    cols.add(new ResultColumn(TableDef.VERSION, ColumnType.BIGINT, true));
    return cols;
  }

  /**
   * An outcome row: when not applied, the row's current values as the round saw them (all NULL if
   * there is no row); when applied, NULLs (as Cassandra returns only {@code [applied]}).
   */
  static Object[] outcomeRow(TableDef table, boolean applied, VersionedValue seen) {
    List<ColumnDef> columns = table.columns();
    int visible = (int) columns.stream().filter(c -> !c.hidden()).count();
    Object[] out = new Object[visible + 2];
    out[0] = applied;
    if (!applied && seen != null) {
      Object[] row = RowCodec.decode(table.columnTypes(), seen.value());
      int j = 1;
      for (int i = 0; i < columns.size(); i++) {
        if (!columns.get(i).hidden()) {
          out[j++] = row[i];
        }
      }
      out[j] = seen.version();
    }
    return out;
  }
}
