package io.quorumkv.executor.write;

import io.quorumkv.executor.ResultColumn;
import io.quorumkv.executor.StatementResult;
import io.quorumkv.planner.schema.TableDef;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A write statement compiled against one table's definition: names resolved, types checked,
 * parameter types inferred. Executing it writes each affected row with one read-modify-write on
 * that row's key, so each row is atomic and the statement as a whole is not. Immutable and
 * thread-safe; one plan may run in many sessions at once.
 */
public interface WritePlan {

  /** The table written, as the plan was compiled against. */
  TableDef table();

  /**
   * The result's columns: empty for an update count, else the outcome row's columns of a
   * conditional write.
   */
  List<ResultColumn> resultColumns();

  /**
   * For a write of one key given entirely by parameters: for each primary-key column in key order,
   * the parameter (0-based) that gives its value; else null. Clients use it to send writes of one
   * key to one node (see {@link io.quorumkv.executor.PreparedSql#routingParameters}).
   */
  default int[] routingParameters() {
    return null;
  }

  /** A one-line description of how the rows are reached, for EXPLAIN. */
  String explain();

  /**
   * Runs the write with bound parameter values.
   *
   * @throws io.quorumkv.planner.QueryException on bad values, duplicates, or an unknown outcome;
   *     {@link io.quorumkv.planner.QueryException#rowsWritten()} says how many rows were applied
   *     before the failure
   */
  StatementResult execute(Object[] params, WriteContext ctx);

  /**
   * Starts the write without blocking when it is one round on one key whose values need nothing but
   * the parameters (a single-key UPDATE or DELETE, an INSERT or UPSERT of one VALUES row with a
   * primary key); else returns null before anything was sent to the store, and the caller uses
   * {@link #execute}. The future completes on the store's thread with what {@link #execute} would
   * return, or exceptionally with what it would throw; never with null, as the store may have
   * applied the write by then.
   *
   * @throws io.quorumkv.planner.QueryException as {@link #execute}, for errors found before the
   *     store is asked (bad values); then nothing was sent to the store
   */
  CompletableFuture<StatementResult> executeAsync(Object[] params, WriteContext ctx);
}
