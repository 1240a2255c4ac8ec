package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CASE, searched and simple, in queries (Calcite's CASE) and in writes (the write path's own
 * evaluation): the first branch that holds wins, NULL conditions do not hold, a simple CASE's NULL
 * operand matches no branch, a missing ELSE is NULL, the results take their common type, and only
 * the chosen branch is computed.
 */
class CaseTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run("CREATE TABLE t (id BIGINT PRIMARY KEY, n INTEGER, s VARCHAR(10), d DECIMAL(6, 2))");
    run("INSERT INTO t VALUES (1, 5, 'a', 1.50), (2, -3, 'b', NULL), (3, NULL, NULL, 2.25)");
  }

  private List<List<Object>> result(String sql, Object... params) {
    return rows(sql, params).rows().stream().map(Arrays::asList).toList();
  }

  @Test
  void searchedCaseTakesTheFirstBranchThatHolds() {
    assertThat(
            result(
                "SELECT id, CASE WHEN n > 0 THEN 'pos' WHEN n < 0 THEN 'neg' ELSE 'none' END"
                    + " FROM t ORDER BY id"))
        .containsExactly(List.of(1L, "pos"), List.of(2L, "neg"), List.of(3L, "none"));
    assertThat(result("SELECT CASE WHEN n > 0 THEN 1 WHEN n > -10 THEN 2 END FROM t ORDER BY id"))
        .containsExactly(List.of(1), List.of(2), Arrays.asList((Object) null));
  }

  @Test
  void simpleCaseComparesTheOperand() {
    assertThat(
            result(
                "SELECT CASE s WHEN 'a' THEN 'first' WHEN 'b' THEN 'second' END FROM t ORDER BY id"))
        .containsExactly(List.of("first"), List.of("second"), Arrays.asList((Object) null));
    // A NULL operand equals no WHEN value, not even NULL.
    assertThat(result("SELECT CASE s WHEN NULL THEN 1 ELSE 0 END FROM t WHERE id = 3"))
        .containsExactly(List.of(0));
  }

  @Test
  void resultsTakeTheirCommonType() {
    assertThat(result("SELECT CASE WHEN id = 1 THEN n ELSE d END FROM t ORDER BY id"))
        .containsExactly(
            List.of(new BigDecimal("5.00")),
            Arrays.asList((Object) null),
            List.of(new BigDecimal("2.25")));
    assertThat(
            result(
                "SELECT CASE WHEN id = ? THEN ? ELSE s END FROM t WHERE id <= 2 ORDER BY id",
                1L,
                "x"))
        .containsExactly(List.of("x"), List.of("b"));
  }

  @Test
  void inWhereOrderByAndAggregates() {
    assertThat(
            result(
                "SELECT id FROM t WHERE CASE WHEN n IS NULL THEN TRUE ELSE n < 0 END ORDER BY id"))
        .containsExactly(List.of(2L), List.of(3L));
    assertThat(result("SELECT id FROM t ORDER BY CASE WHEN id = 2 THEN 0 ELSE 1 END, id"))
        .containsExactly(List.of(2L), List.of(1L), List.of(3L));
    assertThat(result("SELECT SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END), COUNT(*) FROM t"))
        .containsExactly(List.of(1, 3L));
    assertThat(result("SELECT CASE WHEN COUNT(*) > 2 THEN 'many' ELSE 'few' END FROM t"))
        .containsExactly(List.of("many"));
  }

  @Test
  void onlyTheChosenBranchIsComputed() {
    assertThat(result("SELECT CASE WHEN n = 0 THEN 0 ELSE 100 / n END FROM t WHERE id = 1"))
        .containsExactly(List.of(20));
    run("UPDATE t SET n = CASE WHEN n = 0 THEN 0 ELSE 100 / n END WHERE id = 1");
    assertThat(result("SELECT n FROM t WHERE id = 1")).containsExactly(List.of(20));
  }

  @Test
  void inWrites() {
    run("UPDATE t SET s = CASE WHEN n > 0 THEN 'up' WHEN n < 0 THEN 'down' END");
    assertThat(result("SELECT s FROM t ORDER BY id"))
        .containsExactly(List.of("up"), List.of("down"), Arrays.asList((Object) null));
    run("UPDATE t SET n = CASE id WHEN 1 THEN 10 WHEN 2 THEN 20 ELSE n END WHERE id IN (1, 3)");
    assertThat(result("SELECT n FROM t ORDER BY id"))
        .containsExactly(List.of(10), List.of(-3), Arrays.asList((Object) null));
    run("INSERT INTO t (id, s) VALUES (4, CASE WHEN 1 > 2 THEN 'no' ELSE 'yes' END)");
    assertThat(result("SELECT s FROM t WHERE id = 4")).containsExactly(List.of("yes"));
    run("UPDATE t SET d = CASE WHEN ? THEN 9.99 ELSE d END WHERE id = 4 IF s = 'yes'", true);
    assertThat(result("SELECT d FROM t WHERE id = 4"))
        .containsExactly(List.of(new BigDecimal("9.99")));
    assertThat(count("DELETE FROM t WHERE CASE WHEN n IS NULL THEN FALSE ELSE n < 0 END"))
        .isEqualTo(1);
  }

  @Test
  void typeErrors() {
    QueryException mixed = error("SELECT CASE WHEN n > 0 THEN 1 ELSE 'x' END FROM t");
    assertThat(mixed.sqlState()).isEqualTo(QueryException.DATATYPE_MISMATCH);
    assertThat(error("SELECT CASE WHEN n THEN 1 END FROM t").sqlState())
        .isEqualTo(QueryException.DATATYPE_MISMATCH);
    assertThat(error("SELECT CASE n WHEN 'x' THEN 1 END FROM t").sqlState())
        .isEqualTo(QueryException.DATATYPE_MISMATCH);
    assertThat(error("UPDATE t SET n = CASE WHEN n > 0 THEN 'x' END WHERE id = 1").sqlState())
        .isEqualTo(QueryException.DATATYPE_MISMATCH);
    assertThat(error("UPDATE t SET n = CASE WHEN s THEN 1 END WHERE id = 1").sqlState())
        .isEqualTo(QueryException.DATATYPE_MISMATCH);
    QueryException syntax = error("SELECT CASE WHEN n > 0 'x' END FROM t");
    assertThat(syntax.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(syntax.getMessage()).startsWith("line 1:24: ").contains("'x'").contains("THEN");
  }
}
