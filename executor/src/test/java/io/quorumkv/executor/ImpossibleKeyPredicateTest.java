package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Predicates that no row can satisfy. Asking for NULL in a NOT NULL key column makes Calcite reduce
 * the scan to empty values, which must still plan: found by QueryReferenceProperties, seed
 * 8354673090359801051 (no ORDER BY) and seed -2449866533795377199 ({@code SELECT a + k1, b FROM t
 * WHERE k1 IS NULL ORDER BY k1, k2}, ordered by columns outside the select list). Other false
 * predicates ({@code 1 = 0}, contradictory key equalities) are not reduced and filter every row
 * out. Either way reads return nothing, global aggregates one row, and writes change nothing.
 */
class ImpossibleKeyPredicateTest extends SqlTestSupport {

  @BeforeEach
  void load() {
    run(
        "CREATE TABLE t (k1 INT NOT NULL, k2 VARCHAR(4) NOT NULL, a INT, b DECIMAL(8, 2),"
            + " c VARCHAR(6), PRIMARY KEY (k1, k2))");
    run("INSERT INTO t VALUES (1, 'a', NULL, 2.00, 'x')");
    run("INSERT INTO t VALUES (1, 'b', 4, NULL, 'y')");
    run("INSERT INTO t VALUES (2, 'a', 5, 1.50, NULL)");
  }

  private List<List<Object>> query(String sql, Object... params) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] row : rows(sql, params).rows()) {
      out.add(Arrays.asList(row));
    }
    return out;
  }

  private List<String> explain(String sql) {
    List<String> out = new ArrayList<>();
    for (Object[] row : rows("EXPLAIN " + sql).rows()) {
      out.add((String) row[0]);
    }
    return out;
  }

  @Test
  void keyColumnIsNullPlansAndReturnsNothing() {
    assertThat(query("SELECT a + k1, b FROM t WHERE (k1 IS NULL AND a IS NULL)")).isEmpty();
    assertThat(query("SELECT k2 FROM t WHERE k1 IS NULL ORDER BY k2")).isEmpty();
  }

  @Test
  void orderedByColumnsOutsideTheSelectList() {
    String sample = "SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k1, k2";
    assertThat(query(sample)).isEmpty();
    assertThat(explain(sample)).containsExactly("EnumerableValues(tuples=[[]])");
    assertThat(query("SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k1 DESC, k2 LIMIT 3"))
        .isEmpty();
    assertThat(query("SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k2, k1 LIMIT 2 OFFSET 1"))
        .isEmpty();
    assertThat(query("SELECT c FROM t WHERE k2 IS NULL ORDER BY b DESC LIMIT ? OFFSET ?", 2, 1))
        .isEmpty();
    PreparedSql prepared =
        session.prepare("SELECT a FROM t WHERE k1 IS NULL AND k2 = ? ORDER BY b");
    assertThat(((StatementResult.Rows) prepared.execute("a")).rows()).isEmpty();
  }

  @Test
  void falsePredicatesThatAreNotReducedReturnNothing() {
    assertThat(query("SELECT a + k1, b FROM t WHERE 1 = 0 ORDER BY k1, k2")).isEmpty();
    assertThat(query("SELECT * FROM t WHERE k1 = 1 AND k1 = 2")).isEmpty();
    assertThat(query("SELECT k1 FROM t WHERE k1 = 1 AND k1 = 2 ORDER BY k2 LIMIT 2 OFFSET 1"))
        .isEmpty();
    assertThat(query("SELECT * FROM t WHERE k1 = 1 AND k2 = 'a' AND k2 = 'b'")).isEmpty();
  }

  @Test
  void aggregatesOverNothing() {
    for (String where : List.of("k1 IS NULL", "1 = 0", "k1 = 1 AND k1 = 2")) {
      assertThat(query("SELECT COUNT(*) FROM t WHERE " + where))
          .as(where)
          .containsExactly(List.of(0L));
      assertThat(query("SELECT COUNT(*), COUNT(a), SUM(b), MAX(c) FROM t WHERE " + where))
          .as(where)
          .containsExactly(Arrays.asList(0L, 0L, null, null));
      assertThat(query("SELECT k1, COUNT(*) FROM t WHERE " + where + " GROUP BY k1 ORDER BY k1"))
          .as(where)
          .isEmpty();
      assertThat(query("SELECT c, COUNT(DISTINCT c) FROM t WHERE " + where + " GROUP BY c"))
          .as(where)
          .isEmpty();
      assertThat(query("SELECT DISTINCT c FROM t WHERE " + where + " ORDER BY c"))
          .as(where)
          .isEmpty();
    }
  }

  @Test
  void joinsWithAnEmptySide() {
    assertThat(query("SELECT x.k1, y.k2 FROM t x JOIN t y ON x.k1 = y.k1 WHERE x.k1 IS NULL"))
        .isEmpty();
    assertThat(
            query(
                "SELECT x.k1, y.k2 FROM t x JOIN (SELECT k1, k2 FROM t WHERE k1 IS NULL) y"
                    + " ON x.k1 = y.k1 ORDER BY x.k2"))
        .isEmpty();
    assertThat(
            query(
                "SELECT x.k1, x.k2, y.k2 FROM t x JOIN t y ON x.k1 = y.k1 AND y.k1 IS NULL"
                    + " ORDER BY x.k2"))
        .isEmpty();
    List<List<Object>> padded =
        List.of(
            Arrays.asList(1, "a", null), Arrays.asList(1, "b", null), Arrays.asList(2, "a", null));
    assertThat(
            query(
                "SELECT x.k1, x.k2, y.k2 FROM t x LEFT JOIN (SELECT k1, k2 FROM t WHERE k1 IS NULL)"
                    + " y ON x.k1 = y.k1 ORDER BY x.k1, x.k2"))
        .isEqualTo(padded);
    assertThat(
            query(
                "SELECT x.k1, x.k2, y.k2 FROM t x LEFT JOIN t y ON x.k1 = y.k1 AND y.k1 IS NULL"
                    + " ORDER BY x.k1, x.k2"))
        .isEqualTo(padded);
  }

  @Test
  void writesWhoseWhereIsFalseChangeNothing() {
    run("CREATE TABLE copy (k1 INT NOT NULL, k2 VARCHAR(4) NOT NULL, PRIMARY KEY (k1, k2))");
    List<List<Object>> before = stored("T");

    // Through the planner: the keys to write come from a query.
    assertThat(count("UPDATE t SET a = 0 WHERE k1 IS NULL")).isZero();
    assertThat(count("UPDATE t SET a = 0 WHERE k1 IS NULL AND c = 'x'")).isZero();
    assertThat(count("DELETE FROM t WHERE 1 = 0")).isZero();
    assertThat(count("DELETE FROM t WHERE k1 = 1 AND k1 = 2")).isZero();
    assertThat(count("INSERT INTO copy SELECT k1, k2 FROM t WHERE k1 IS NULL ORDER BY k1, k2"))
        .isZero();
    assertThat(count("INSERT INTO copy SELECT k1, k2 FROM t WHERE 1 = 0")).isZero();
    // The whole key: one round, the false predicate checked in it.
    assertThat(count("UPDATE t SET a = 0 WHERE k1 = 1 AND k2 = 'a' AND k1 IS NULL")).isZero();
    assertThat(count("DELETE FROM t WHERE k1 = 1 AND k2 = 'a' AND 1 = 0")).isZero();
    StatementResult.Rows conditional =
        rows("UPDATE t SET a = 0 WHERE k1 = 1 AND k2 = 'b' IF k2 IS NULL");
    assertThat(conditional.value(0, "applied")).isEqualTo(false);

    assertThat(stored("T")).isEqualTo(before);
    assertThat(stored("COPY")).isEmpty();
    assertThat(query("SELECT k1, k2, a, b, c FROM t ORDER BY k1, k2"))
        .containsExactly(
            Arrays.asList(1, "a", null, new BigDecimal("2.00"), "x"),
            Arrays.asList(1, "b", 4, null, "y"),
            Arrays.asList(2, "a", 5, new BigDecimal("1.50"), null));
  }
}
