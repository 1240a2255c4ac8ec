package io.quorumkv.planner.sql;

import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.rel.RowSource;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.runtime.Bindable;

/**
 * A planned and compiled query: result columns, the tables it reads (with the schema versions it
 * was planned against), its plan text for EXPLAIN, and the compiled code. Immutable and
 * thread-safe; each {@link #run} reads the store afresh.
 */
public final class PlannedQuery {

  private final List<QueryColumn> columns;
  private final List<TableDef> tables;
  private final String explain;
  private final Bindable<?> bindable;
  private final Map<String, Object> stash;
  private final JavaTypeFactory typeFactory;

  PlannedQuery(
      List<QueryColumn> columns,
      List<TableDef> tables,
      String explain,
      Bindable<?> bindable,
      Map<String, Object> stash,
      JavaTypeFactory typeFactory) {
    this.columns = List.copyOf(columns);
    this.tables = tables;
    this.explain = explain;
    this.bindable = bindable;
    this.stash = stash;
    this.typeFactory = typeFactory;
  }

  /** The result's columns. */
  public List<QueryColumn> columns() {
    return columns;
  }

  /** The tables read, as planned against. */
  public List<TableDef> tables() {
    return tables;
  }

  /** The chosen plan, one operator per line, for EXPLAIN. */
  public String explain() {
    return explain;
  }

  /**
   * Runs the query and materializes its rows as canonical values.
   *
   * @param params canonical parameter values, index 0 is {@code ?1}
   * @throws QueryException on a data error while computing (division by zero, a bad CAST)
   */
  public List<Object[]> run(Object[] params, RowSource source) {
    QueryContext ctx = new QueryContext(typeFactory, stash, params, source);
    List<Object[]> out = new ArrayList<>();
    try (Enumerator<?> e = bindable.bind(ctx).enumerator()) {
      while (e.moveNext()) {
        Object current = e.current();
        Object[] row = current instanceof Object[] a ? a.clone() : new Object[] {current};
        for (int i = 0; i < row.length; i++) {
          row[i] = SqlTypes.canonical(row[i], columns.get(i).type());
        }
        out.add(row);
      }
    } catch (ArithmeticException e) {
      String m = String.valueOf(e.getMessage());
      throw new QueryException(
          m.contains("by zero")
              ? QueryException.DIVISION_BY_ZERO
              : QueryException.NUMERIC_OUT_OF_RANGE,
          m.contains("by zero") ? "division by zero" : "numeric value out of range: " + m,
          0,
          0,
          0,
          e);
    } catch (NumberFormatException e) {
      throw new QueryException(
          QueryException.INVALID_VALUE, "invalid number: " + e.getMessage(), 0, 0, 0, e);
    }
    return out;
  }
}
