package io.quorumkv.executor.write;

import io.quorumkv.executor.StatementResult;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.planner.ParameterTypes;

/** Plans and runs the query of an {@code INSERT ... SELECT}. */
public interface QueryRunner {

  /** A prepared query. */
  interface Prepared {
    /** The query's result columns. */
    java.util.List<io.quorumkv.executor.ResultColumn> columns();

    /** The chosen plan, for EXPLAIN. */
    String explain();

    /** Runs it with the statement's bound parameter values. */
    StatementResult.Rows run(Object[] params);
  }

  /** Plans {@code query}, inferring the types of its parameters into {@code params}. */
  Prepared prepare(Query query, ParameterTypes params);
}
