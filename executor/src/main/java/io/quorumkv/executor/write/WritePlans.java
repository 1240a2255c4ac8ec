package io.quorumkv.executor.write;

import io.quorumkv.parser.ast.Delete;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.parser.ast.Update;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.schema.TableDef;

/** Compiles INSERT, UPSERT, UPDATE and DELETE into {@link WritePlan}s. */
public final class WritePlans {

  private WritePlans() {}

  /**
   * Compiles a write against {@code table}, inferring parameter types into {@code params}.
   *
   * @throws io.quorumkv.planner.QueryException if the statement does not fit the table
   */
  public static WritePlan compile(
      Statement s, TableDef table, ParameterTypes params, QueryRunner queries) {
    if (s instanceof Insert i) {
      return new InsertPlan(i, table, params, queries);
    } else if (s instanceof Update u) {
      return RowWritePlan.update(u, table, params, queries);
    } else if (s instanceof Delete d) {
      return RowWritePlan.delete(d, table, params, queries);
    }
    throw new IllegalArgumentException("not a write: " + s.getClass().getSimpleName());
  }
}
