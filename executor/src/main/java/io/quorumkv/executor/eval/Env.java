package io.quorumkv.executor.eval;

/**
 * What an {@link Expr} is evaluated against: one row's values in the table's column order (null
 * when the expression is row-free), the row's version, and the statement's parameter values
 * (canonical values, index 0 is {@code ?1}). The arrays are read, never written.
 *
 * @param row the row's values, or null
 * @param version the row's {@code _version}, or 0 when there is no row
 * @param params the bound parameter values
 */
public record Env(Object[] row, long version, Object[] params) {

  /** No row, only parameters. */
  public static Env ofParams(Object[] params) {
    return new Env(null, 0, params);
  }
}
