package io.quorumkv.executor;

import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.util.List;

/**
 * A statement planned against the catalog as it was: what the plan cache holds. Immutable and
 * thread-safe; sessions share it.
 */
interface CompiledStatement {

  /** The inferred types of the {@code ?} parameters, in order. */
  List<ColumnType> parameterTypes();

  /** The result's columns; empty when the result is an update count. */
  List<ResultColumn> resultColumns();

  /** Whether the result is rows (else an update count). */
  boolean returnsRows();

  /**
   * The tables the plan was made against; the plan is stale once one of them has another id or
   * schema version.
   */
  List<TableDef> dependencies();

  /** Runs it with canonical parameter values (already checked against the types). */
  StatementResult execute(Object[] params, SqlSession session);
}
