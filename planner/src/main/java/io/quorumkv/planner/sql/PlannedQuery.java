package io.quorumkv.planner.sql;

import io.quorumkv.planner.DataErrors;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.rel.RowSource;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.runtime.CalciteException;

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

  /** Set once a constant expression of the generated code failed; see {@link #run}. */
  private volatile RuntimeException constantFailure;

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
    RuntimeException failed = constantFailure;
    if (failed != null) {
      throw failed;
    }
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
    } catch (ExceptionInInitializerError e) {
      // Generated code computes constant expressions once, in static initializers of its classes;
      // one that fails (SELECT 1/0) leaves its class unusable, so every later run fails the same.
      RuntimeException failure = dataError(e.getCause());
      if (failure == null) {
        // Not the statement's fault as far as we know: the node logs it as an internal error.
        failure = new IllegalStateException("a constant expression failed", e.getCause());
      }
      constantFailure = failure;
      throw failure;
    } catch (NoClassDefFoundError e) {
      throw awaitConstantFailure(e);
    } catch (RuntimeException e) {
      QueryException q = dataError(e);
      throw q != null ? q : e;
    }
    return out;
  }

  /**
   * The SQL error of a failure while computing a value, or null. Calcite's run-time functions throw
   * {@link CalciteException} for values they cannot convert ({@code CAST('x' AS BOOLEAN)}), its
   * SINGLE_VALUE aggregate an {@link IllegalStateException} for a scalar subquery of many rows.
   */
  private static QueryException dataError(Throwable t) {
    if (t instanceof IllegalStateException i
        && String.valueOf(i.getMessage()).contains("more than one value in agg SINGLE_VALUE")) {
      // A scalar subquery becomes Calcite's SINGLE_VALUE aggregate, which checks the row count.
      return new QueryException(
          QueryException.CARDINALITY_VIOLATION,
          "more than one row returned by a subquery used as an expression",
          0,
          0,
          0,
          i);
    }
    QueryException q = DataErrors.of(t);
    if (q != null || !(t instanceof CalciteException c)) {
      return q;
    }
    String m = String.valueOf(c.getMessage());
    return new QueryException(
        m.toLowerCase(Locale.ROOT).contains("cast")
            ? QueryException.INVALID_VALUE
            : QueryException.DATA_EXCEPTION,
        m,
        0,
        0,
        0,
        c);
  }

  /**
   * The failure recorded by the run whose initialization of a generated class failed, for a run
   * that then found the class unusable: that run records it right after the JVM marks the class
   * failed, so a concurrent run may get here first and waits for it a little.
   */
  private RuntimeException awaitConstantFailure(NoClassDefFoundError e) {
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (constantFailure == null && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    RuntimeException failure = constantFailure;
    if (failure == null) {
      throw e;
    }
    return failure;
  }
}
