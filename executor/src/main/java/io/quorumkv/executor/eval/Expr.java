package io.quorumkv.executor.eval;

import io.quorumkv.planner.schema.ColumnType;

/**
 * A compiled, type-checked expression over one row: a pure function of the row's values, its
 * version and the statement's parameters. Evaluating it has no side effects, so it can run inside a
 * store's {@code decide} function however often the store retries. Thread-safe.
 *
 * @param type the static type of the result; {@code null} only for an untyped {@code NULL}
 * @param eval computes the value (a canonical value of {@code type}, or null)
 * @param rowFree whether the value depends on no column and no {@code _version}, so it can be
 *     computed before the row is read (e.g. a key value)
 */
public record Expr(ColumnType type, Eval eval, boolean rowFree) {

  /** The computation. */
  @FunctionalInterface
  public interface Eval {
    /** The value in {@code env}; throws {@link io.quorumkv.planner.QueryException} on bad data. */
    Object apply(Env env);
  }

  /** Evaluates in {@code env}. */
  public Object evaluate(Env env) {
    return eval.apply(env);
  }

  /**
   * Evaluates a condition: only {@code TRUE} holds; {@code FALSE} and {@code NULL} (unknown) do
   * not, as in a SQL WHERE clause.
   */
  public boolean holds(Env env) {
    return Boolean.TRUE.equals(eval.apply(env));
  }
}
