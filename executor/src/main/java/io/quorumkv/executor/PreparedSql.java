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
   * For a write of one key given entirely by parameters (a single-key UPDATE or DELETE, with or
   * without IF; an INSERT, INSERT ... IF NOT EXISTS or UPSERT of one VALUES row): for each
   * primary-key column in key order, the parameter (0-based) that gives its value; else null. A
   * client that sends every write of a key to the same node lets that node coordinate all of them,
   * and they skip Paxos' prepare phase. Reads need no such affinity (a linearizable read has no
   * prepare phase), so they are not routed.
   */
  public int[] routingParameters() {
    if (compiled instanceof StatementCompiler.Compiled c && c.run() instanceof PlannedWrite w) {
      return w.routingParameters();
    }
    return null;
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
   * block (a primary-key point SELECT; a write of one row by its primary key: UPDATE or DELETE
   * {@code WHERE} the whole key, with or without {@code IF}, or INSERT, UPSERT or INSERT ... IF NOT
   * EXISTS of one VALUES row); else returns null and the caller uses {@link #execute(List)}.
   *
   * <p>The future completes on the store's thread with the result {@link #execute(List)} would
   * return, or exceptionally with the error it would throw (a store failure, a duplicate key, a bad
   * value found in the round). Only a read's future may complete with null, meaning the statement
   * must be run with {@link #execute(List)} after all (a row under a newer schema); a write's never
   * does, because once the store was asked the write may have been applied and must not run twice.
   *
   * <p>Never blocks: when the plan cannot be checked against the catalog without reading it (the
   * lease ran out, the plan is stale), returns null too, without asking the store.
   *
   * @throws io.quorumkv.planner.QueryException as {@link #execute(List)}, for errors found before
   *     the store is asked (parameter values); then nothing was sent to the store
   */
  public CompletableFuture<StatementResult> executeAsync(List<?> params) {
    if (!(compiled instanceof StatementCompiler.Compiled c)
        || !(c.run() instanceof PointRead || c.run() instanceof PlannedWrite)
        || !session.isCurrentWithoutReading(c)) {
      return null;
    }
    Object[] bound = ParameterTypes.bind(compiled.parameterTypes(), params);
    if (c.run() instanceof PointRead p) {
      return p.applyAsync(bound);
    }
    return ((PlannedWrite) c.run()).applyAsync(bound, session);
  }

  /** As {@link #execute(Object...)}. */
  public StatementResult execute(List<?> params) {
    compiled = session.revalidate(sql, compiled);
    Object[] bound = ParameterTypes.bind(compiled.parameterTypes(), params);
    return compiled.execute(bound, session);
  }
}
