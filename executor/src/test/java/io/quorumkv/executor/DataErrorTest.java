package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Errors of computing values, on every path a query takes: constants the generated code computes
 * once (in a static initializer, where a failure used to escape as an {@link Error}), per-row
 * expressions, key predicates, parameters, and the write path. Each is a {@link QueryException}
 * with its SQLState and a message that names the problem, the same on every execution of the
 * statement.
 */
class DataErrorTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run("CREATE TABLE t (id BIGINT PRIMARY KEY, i INTEGER, txt VARCHAR(10))");
    run("INSERT INTO t VALUES (1, 2147483647, 'a'), (2, 0, '12')");
  }

  private void fails(String state, String message, String sql, Object... params) {
    QueryException e = error(sql, params);
    assertThat(e.sqlState()).as("%s: %s", sql, e.getMessage()).isEqualTo(state);
    assertThat(e.getMessage()).as(sql).contains(message);
  }

  @Test
  void constantDivisionByZero() {
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT 1/0");
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT 1 % 0");
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT 1.5 / 0");
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT id, 7 / 0 FROM t");
    // Also in DOUBLE, where Java would give Infinity.
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT 1e0 / 0");
    fails(
        QueryException.DIVISION_BY_ZERO,
        "division by zero",
        "SELECT CAST(id AS DOUBLE) / 0 FROM t");
    assertThat(rows("SELECT 1e0 / 4, CAST(NULL AS DOUBLE) / 0").rows().get(0))
        .containsExactly(0.25, null);
  }

  @Test
  void constantOverflow() {
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "numeric value out of range for BIGINT",
        "SELECT 9223372036854775807 + 1");
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "numeric value out of range for BIGINT",
        "SELECT -9223372036854775807 - 2");
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "numeric value out of range for BIGINT",
        "SELECT 9223372036854775807 * 2");
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "numeric value out of range for INTEGER",
        "SELECT 2147483647 + 1");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "out of range", "SELECT CAST(1e300 AS INT)");
  }

  @Test
  void constantInKeyPredicate() {
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT * FROM t WHERE id = 1/0");
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "out of range for BIGINT",
        "SELECT * FROM t WHERE id = 9223372036854775807 + 1");
    fails(
        QueryException.DIVISION_BY_ZERO,
        "division by zero",
        "SELECT * FROM t WHERE id > 1/0 ORDER BY id");
  }

  @Test
  void invalidTextOfACast() {
    fails(QueryException.INVALID_VALUE, "invalid number", "SELECT CAST('x' AS INT)");
    fails(QueryException.INVALID_VALUE, "invalid number", "SELECT CAST('x' AS BIGINT) FROM t");
    fails(QueryException.INVALID_VALUE, "invalid number", "SELECT CAST('1.5.1' AS DECIMAL(5,2))");
    fails(QueryException.INVALID_VALUE, "abc", "SELECT CAST('abc' AS BOOLEAN)");
    fails(QueryException.INVALID_VALUE, "invalid number", "SELECT CAST(txt AS INT) FROM t");
    fails(QueryException.INVALID_VALUE, "a", "SELECT CAST(txt AS BOOLEAN) FROM t WHERE id = 1");
  }

  @Test
  void perRowAndParameterErrors() {
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT id / i FROM t");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "INTEGER", "SELECT i + 1 FROM t WHERE id = 1");
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT id / ? FROM t", 0L);
    fails(
        QueryException.DIVISION_BY_ZERO,
        "division by zero",
        "SELECT id / ? FROM t WHERE id = ?",
        0L,
        1L);
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT SUM(id / i) FROM t");
  }

  @Test
  void writesWithFailingExpressions() {
    List<List<Object>> before = stored("T");
    fails(QueryException.DIVISION_BY_ZERO, "division by zero", "DELETE FROM t WHERE id = 1/0");
    fails(
        QueryException.DIVISION_BY_ZERO,
        "division by zero",
        "UPDATE t SET txt = 'b' WHERE id = 1/0");
    fails(
        QueryException.DIVISION_BY_ZERO, "division by zero", "INSERT INTO t VALUES (3, 1/0, 'c')");
    fails(
        QueryException.DIVISION_BY_ZERO,
        "division by zero",
        "INSERT INTO t SELECT id + 10, i / 0, txt FROM t");
    fails(
        QueryException.NUMERIC_OUT_OF_RANGE,
        "out of range",
        "INSERT INTO t VALUES (9223372036854775807 + 1, 1, 'c')");
    assertThat(stored("T")).isEqualTo(before);
  }

  @Test
  void aFailedPlanFailsTheSameWayEveryTime() {
    // The second and third run use the cached plan, whose generated class failed to initialize.
    for (int i = 0; i < 3; i++) {
      fails(QueryException.DIVISION_BY_ZERO, "division by zero", "SELECT 1/0");
      fails(QueryException.NUMERIC_OUT_OF_RANGE, "BIGINT", "SELECT 9223372036854775807 + 1");
    }
    PreparedSql p = session.prepare("SELECT id FROM t WHERE id = 1/0");
    for (int i = 0; i < 3; i++) {
      QueryException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(QueryException.class, p::execute);
      assertThat(e.sqlState()).isEqualTo(QueryException.DIVISION_BY_ZERO);
    }
    // The session and the engine go on working.
    assertThat(rows("SELECT id FROM t WHERE id = 2").rows()).hasSize(1);
  }

  @Test
  void concurrentFirstRunsOfAFailingPlanAllGetTheError() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        // A new text each round, so each round's runs are the first ones of a new plan.
        PreparedSql p = session.prepare("SELECT " + round + " + 1/0");
        List<Callable<String>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          runs.add(
              () -> {
                try {
                  p.execute();
                  return "no error";
                } catch (QueryException e) {
                  return e.sqlState();
                }
              });
        }
        for (Future<String> f : pool.invokeAll(runs)) {
          assertThat(f.get()).isEqualTo(QueryException.DIVISION_BY_ZERO);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
