package io.quorumkv.executor;

import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.schema.ColumnType;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A statement prepared in a session: its parameter types and result columns are known; it can be
 * executed many times with different parameter values. Re-plans itself transparently when a table
 * it uses has changed since. Belongs to its session: use from one thread at a time.
 */
public final class PreparedSql {

  private final SqlSession session;
  private final String sql;
  private CompiledStatement compiled;

  PreparedSql(SqlSession session, String sql, CompiledStatement compiled) {
    this.session = session;
    this.sql = sql;
    this.compiled = compiled;
  }

  /** The statement text. */
  public String sql() {
    return sql;
  }

  /** The number of {@code ?} parameters. */
  public int parameterCount() {
    return compiled.parameterTypes().size();
  }

  /** The parameters' inferred types, in order. */
  public List<ColumnType> parameterTypes() {
    return compiled.parameterTypes();
  }

  /** Whether executing returns rows (a query, or a conditional write's outcome) or a count. */
  public boolean returnsRows() {
    return compiled.returnsRows();
  }

  /** The result's columns; empty when the result is an update count. */
  public List<ResultColumn> resultColumns() {
    return compiled.resultColumns();
  }

  /**
   * Executes with parameter values (JDBC-style Java values: numbers, strings, {@code byte[]},
   * {@link java.sql.Timestamp}, booleans, nulls), converted to the parameters' types first.
   *
   * @throws io.quorumkv.planner.QueryException with a SQLState on any error the author can fix
   */
  public StatementResult execute(Object... params) {
    return execute(Arrays.asList(params));
  }

  /**
   * Starts the execution without waiting for the store, when the statement has a path that does not
   * block (a primary-key point SELECT); else returns null and the caller uses {@link
   * #execute(List)}. The future completes on the store's thread, with the result, or with null when
   * the statement must be run with {@link #execute(List)} after all (a row under a newer schema);
   * exceptionally on a store failure. Never blocks: when the plan cannot be checked against the
   * catalog without reading it (the lease ran out, the plan is stale), returns null too.
   *
   * @throws io.quorumkv.planner.QueryException as {@link #execute(List)}, for errors found before
   *     the store is asked
   */
  public CompletableFuture<StatementResult> executeAsync(List<?> params) {
    if (!(compiled instanceof StatementCompiler.Compiled c)
        || !(c.run() instanceof PointRead p)
        || !session.isCurrentWithoutReading(c)) {
      return null;
    }
    return p.applyAsync(ParameterTypes.bind(compiled.parameterTypes(), params));
  }

  /** As {@link #execute(Object...)}. */
  public StatementResult execute(List<?> params) {
    compiled = session.revalidate(sql, compiled);
    Object[] bound = ParameterTypes.bind(compiled.parameterTypes(), params);
    return compiled.execute(bound, session);
  }
}
