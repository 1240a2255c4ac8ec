package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every statement error: a SQLState, a message that names the problem, a position where the problem
 * has one, and nothing written.
 */
class ErrorTest extends SqlTestSupport {

  private List<List<Object>> before;

  @BeforeEach
  void data() {
    run("CREATE TABLE acct (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL, balance INT)");
    run("INSERT INTO acct VALUES (1, 'a', 10), (2, 'b', 2147483647)");
    before = stored("ACCT");
  }

  private QueryException fails(String state, String sql, Object... params) {
    QueryException e = error(sql, params);
    assertThat(e.sqlState()).as("%s: %s", sql, e.getMessage()).isEqualTo(state);
    assertThat(stored("ACCT")).as("nothing written by %s", sql).isEqualTo(before);
    return e;
  }

  @Test
  void malformedSqlHasLineColumnAndExpectedTokens() {
    QueryException e = fails(QueryException.SYNTAX_ERROR, "SELECT id,\nFROM acct");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isEqualTo(1);
    assertThat(e.getMessage()).startsWith("line 2:1: ").contains("FROM").contains("expected");
    assertThat(e.getCause()).isNotNull();
    fails(QueryException.SYNTAX_ERROR, "UPDATE acct SET WHERE id = 1");
    fails(QueryException.SYNTAX_ERROR, "");
  }

  @Test
  void unknownTableAndColumnArePositioned() {
    QueryException t = fails(QueryException.UNDEFINED_TABLE, "SELECT * FROM nope");
    assertThat(t.getMessage()).isEqualTo("line 1:15: table NOPE does not exist");
    fails(QueryException.UNDEFINED_TABLE, "INSERT INTO nope VALUES (1)");
    fails(QueryException.UNDEFINED_TABLE, "UPDATE nope SET a = 1 WHERE id = 1");
    fails(QueryException.UNDEFINED_TABLE, "DESCRIBE nope");
    QueryException c = fails(QueryException.UNDEFINED_COLUMN, "SELECT id, bal FROM acct");
    assertThat(c.column()).isEqualTo(12);
    assertThat(c.getMessage()).contains("column BAL does not exist");
    fails(QueryException.UNDEFINED_COLUMN, "UPDATE acct SET bal = 1 WHERE id = 1");
    fails(QueryException.UNDEFINED_COLUMN, "UPDATE acct SET balance = 1 WHERE id = 1 IF bal > 0");
    fails(QueryException.UNDEFINED_COLUMN, "INSERT INTO acct (id, bal) VALUES (3, 1)");
    fails(QueryException.UNDEFINED_COLUMN, "DELETE FROM acct WHERE nope = 1");
  }

  @Test
  void typeMismatches() {
    fails(QueryException.DATATYPE_MISMATCH, "SELECT * FROM acct WHERE name = 1");
    fails(QueryException.DATATYPE_MISMATCH, "SELECT id + name FROM acct");
    fails(QueryException.DATATYPE_MISMATCH, "INSERT INTO acct VALUES ('x', 'y', 1)");
    fails(QueryException.DATATYPE_MISMATCH, "UPDATE acct SET balance = 'lots' WHERE id = 1");
    fails(QueryException.DATATYPE_MISMATCH, "UPDATE acct SET balance = 1 WHERE id = 1 IF name > 3");
    fails(QueryException.DATATYPE_MISMATCH, "SELECT * FROM acct WHERE balance");
    QueryException p =
        fails(QueryException.DATATYPE_MISMATCH, "INSERT INTO acct VALUES (?, ?, ?)", 3, 4, 5);
    assertThat(p.getMessage()).contains("parameter ?2");
  }

  @Test
  void updateAndDeleteWithIfNeedTheWholeKey() {
    QueryException e =
        fails(
            QueryException.INVALID_STATEMENT,
            "UPDATE acct SET balance = 0 WHERE name = 'a' IF balance > 0");
    assertThat(e.getMessage()).contains("primary key column ID is missing");
    fails(QueryException.INVALID_STATEMENT, "DELETE FROM acct WHERE balance = 1 IF EXISTS");
    fails(QueryException.INVALID_STATEMENT, "UPDATE acct SET id = 5 WHERE id = 1");
  }

  @Test
  void wrongParameterCount() {
    QueryException e =
        fails(QueryException.WRONG_PARAMETER_COUNT, "SELECT * FROM acct WHERE id = ?");
    assertThat(e.getMessage()).isEqualTo("the statement has 1 parameter but 0 values were given");
    fails(QueryException.WRONG_PARAMETER_COUNT, "UPDATE acct SET balance = ? WHERE id = ?", 1);
    fails(QueryException.WRONG_PARAMETER_COUNT, "DELETE FROM acct WHERE id = 1", 1);
    fails(QueryException.INDETERMINATE_DATATYPE, "SELECT ? FROM acct", 1);
  }

  @Test
  void overflowAndOtherDataErrors() {
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE, "UPDATE acct SET balance = balance + 1 WHERE id = 2");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "INSERT INTO acct VALUES (3, 'c', 2147483648)");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "INSERT INTO acct VALUES (?, 'c', 1)", 1L << 40);
    fails(QueryException.STRING_TOO_LONG, "INSERT INTO acct VALUES (3, 'toolong', 1)");
    fails(QueryException.NOT_NULL_VIOLATION, "INSERT INTO acct VALUES (3, NULL, 1)");
    fails(QueryException.NOT_NULL_VIOLATION, "UPDATE acct SET name = NULL WHERE id = 1");
    fails(QueryException.DIVISION_BY_ZERO, "UPDATE acct SET balance = balance / 0 WHERE id = 1");
    fails(QueryException.DIVISION_BY_ZERO, "SELECT balance / 0 FROM acct");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "SELECT balance + 1 FROM acct WHERE id = 2");
    // A multi-row INSERT with one bad row writes none of them: every row is checked first.
    fails(QueryException.STRING_TOO_LONG, "INSERT INTO acct VALUES (5, 'e', 1), (6, 'toolong', 1)");
    // A multi-row UPDATE that fails on one row reports how many rows it had changed.
    QueryException multi =
        catchThrowableOfType(
            QueryException.class, () -> run("UPDATE acct SET balance = balance + 1"));
    assertThat(multi.sqlState()).isEqualTo(QueryException.NUMERIC_OUT_OF_RANGE);
    assertThat(multi.rowsWritten()).isEqualTo(1);
  }

  @Test
  void duplicateTableAndReservedNames() {
    fails(QueryException.DUPLICATE_TABLE, "CREATE TABLE acct (x INT)");
    QueryException e = error("CREATE TABLE t (" + TableDef.ROW_ID + " INT)");
    assertThat(e.sqlState()).isIn(QueryException.INVALID_STATEMENT, QueryException.SYNTAX_ERROR);
    fails(QueryException.UNDEFINED_FUNCTION, "SELECT frobnicate(id) FROM acct");
    fails(QueryException.GROUPING_ERROR, "SELECT name, COUNT(*) FROM acct");
    fails(QueryException.GROUPING_ERROR, "SELECT * FROM acct WHERE COUNT(*) > 1");
  }
}
