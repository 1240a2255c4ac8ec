package io.quorumkv.server.sql;

import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.planner.DataErrors;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.ValueErrors;
import io.quorumkv.planner.schema.SchemaException;
import io.quorumkv.planner.schema.ValueException;
import java.util.concurrent.CompletionException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the executor's exceptions to Avatica's, which carry the SQLState to the client's {@code
 * SQLException}. The message keeps the statement position ({@code line L:C: ...}) where there is
 * one.
 */
final class SqlErrors {

  /** An error in the server itself, not in the statement. */
  static final String INTERNAL_ERROR = QueryException.INTERNAL_ERROR;

  /**
   * Vendor code for statement errors; JDBC tools show it next to the SQLState. Never 1: that is
   * Avatica's {@code MISSING_CONNECTION_ERROR_CODE}, on which the driver (with transparent
   * reconnection, which it turns on) re-opens the connection and sends the request again, up to 5
   * times, so a failed write (a duplicate key, an unknown outcome) would be executed again.
   */
  static final int STATEMENT_ERROR = 2;

  private static final Logger LOG = LoggerFactory.getLogger(SqlErrors.class);

  private SqlErrors() {}

  /**
   * {@code e} as an Avatica exception with a SQLState, so that every failed request is answered:
   * the statement's own errors with theirs, a computation that failed in Java terms (an {@link
   * ArithmeticException}, or an {@link Error} such as the {@link ExceptionInInitializerError} of
   * generated code that computes a constant) with the SQL error it stands for, and anything else as
   * an internal error (XX000), logged here once with its stack trace. A {@link VirtualMachineError}
   * (out of memory, stack overflow) is rethrown: the node is in no state to carry on as if it were
   * a statement error.
   */
  static AvaticaRuntimeException toAvatica(Throwable e) {
    // A failure of a future that was joined: the cause is what went wrong.
    while (e instanceof CompletionException c && c.getCause() != null) {
      e = c.getCause();
    }
    if (e instanceof VirtualMachineError v) {
      throw v;
    }
    if (e instanceof AvaticaRuntimeException a) {
      return a;
    }
    if (e instanceof QueryException q) {
      return error(q.getMessage(), q.sqlState());
    }
    if (e instanceof OutcomeUnknownException) {
      return error(
          "the outcome of the write is unknown (it may or may not have been applied): "
              + e.getMessage(),
          QueryException.OUTCOME_UNKNOWN);
    }
    if (e instanceof SchemaException) {
      return error(e.getMessage(), QueryException.INVALID_STATEMENT);
    }
    if (e instanceof ValueException v) {
      return error(e.getMessage(), ValueErrors.sqlState(v));
    }
    QueryException data = DataErrors.of(e);
    if (data != null) {
      return error(data.getMessage(), data.sqlState());
    }
    LOG.warn("internal error while serving a SQL request", e);
    return error("internal error: " + e, INTERNAL_ERROR);
  }

  /** An error with this message and SQLState. */
  static AvaticaRuntimeException error(String message, String sqlState) {
    return new AvaticaRuntimeException(
        message == null ? "(no message)" : message,
        STATEMENT_ERROR,
        sqlState,
        AvaticaSeverity.ERROR);
  }
}
