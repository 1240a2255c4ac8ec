package io.quorumkv.planner;

import java.util.Objects;

/**
 * A statement failed for a reason its author can act on: unknown table or column, type mismatch,
 * value out of range, duplicate key, wrong number of parameters, malformed SQL. Carries the
 * five-character SQLState the JDBC layer reports and, where the problem has a place in the
 * statement text, its 1-based line and column (0 when unknown).
 *
 * <p>Thrown by the planner and the executor alike. Unless {@link #sqlState()} is {@link
 * #OUTCOME_UNKNOWN}, the statement changed nothing, or, for a statement that writes several rows
 * (each row is atomic on its own, the statement is not), exactly the {@link #rowsWritten()} rows
 * before the failing one.
 */
public class QueryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Malformed SQL. */
  public static final String SYNTAX_ERROR = "42601";

  /** A table that does not exist. */
  public static final String UNDEFINED_TABLE = "42P01";

  /** A column that does not exist. */
  public static final String UNDEFINED_COLUMN = "42703";

  /** CREATE TABLE of an existing table. */
  public static final String DUPLICATE_TABLE = "42P07";

  /** A column declared or named twice. */
  public static final String DUPLICATE_COLUMN = "42701";

  /** An expression's type does not fit where it is used. */
  public static final String DATATYPE_MISMATCH = "42804";

  /** A statement that is well-formed but not allowed, e.g. UPDATE of a key column. */
  public static final String INVALID_STATEMENT = "42000";

  /** A column used outside GROUP BY or an aggregate. */
  public static final String GROUPING_ERROR = "42803";

  /** A type or function this dialect does not have. */
  public static final String UNDEFINED_FUNCTION = "42883";

  /** A parameter whose type cannot be inferred. */
  public static final String INDETERMINATE_DATATYPE = "42P18";

  /** A value outside its type's range. */
  public static final String NUMERIC_OUT_OF_RANGE = "22003";

  /** A string or binary too long for its column. */
  public static final String STRING_TOO_LONG = "22001";

  /** Division by zero. */
  public static final String DIVISION_BY_ZERO = "22012";

  /** A value that cannot be converted (bad CAST, bad timestamp text). */
  public static final String INVALID_VALUE = "22018";

  /** A scalar subquery that returned more than one row. */
  public static final String CARDINALITY_VIOLATION = "21000";

  /** Another data exception. */
  public static final String DATA_EXCEPTION = "22000";

  /** NULL for a NOT NULL column. */
  public static final String NOT_NULL_VIOLATION = "23502";

  /** INSERT of a key that exists. */
  public static final String UNIQUE_VIOLATION = "23505";

  /** The number of parameter values does not match the statement's parameters. */
  public static final String WRONG_PARAMETER_COUNT = "07001";

  /** Something this version does not do. */
  public static final String FEATURE_NOT_SUPPORTED = "0A000";

  /** The schema changed under the statement too often to complete it; retry. */
  public static final String SCHEMA_CHANGED = "40001";

  /** A write may or may not have been applied (timeout, lost connection). */
  public static final String OUTCOME_UNKNOWN = "08007";

  /** A failure of the server itself, not of the statement (logged on the node). */
  public static final String INTERNAL_ERROR = "XX000";

  private final String sqlState;
  private final String reason;
  private final int line;
  private final int column;
  private final long rowsWritten;

  /** Without a position. */
  public QueryException(String sqlState, String message) {
    this(sqlState, message, 0, 0, 0, null);
  }

  /**
   * With everything.
   *
   * @param sqlState the five-character SQLState
   * @param message for the statement's author, without the position
   * @param line 1-based, or 0 when the problem has no place in the text
   * @param column 1-based, or 0
   * @param rowsWritten rows of a multi-row write that were applied before the failure
   * @param cause the underlying exception, or null
   */
  public QueryException(
      String sqlState, String message, int line, int column, long rowsWritten, Throwable cause) {
    super(format(message, line, column), cause);
    this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
    this.reason = message;
    this.line = line;
    this.column = column;
    this.rowsWritten = rowsWritten;
  }

  private static String format(String message, int line, int column) {
    return line > 0 ? "line " + line + ":" + column + ": " + message : message;
  }

  /** With the position of the node at fault. */
  public static QueryException at(
      io.quorumkv.parser.ast.SourcePos pos, String sqlState, String message) {
    return new QueryException(sqlState, message, pos.line(), pos.column(), 0, null);
  }

  /** The five-character SQLState. */
  public String sqlState() {
    return sqlState;
  }

  /** The 1-based line in the statement text, or 0. */
  public int line() {
    return line;
  }

  /** The 1-based column in the statement text, or 0. */
  public int column() {
    return column;
  }

  /** For multi-row writes: rows applied before the failure (each row is atomic on its own). */
  public long rowsWritten() {
    return rowsWritten;
  }

  /** What went wrong, without the position. */
  public String reason() {
    return reason;
  }

  /** This exception reporting {@code rows} rows written before it. */
  public QueryException withRowsWritten(long rows) {
    return new QueryException(sqlState, reason, line, column, rows, getCause());
  }
}
