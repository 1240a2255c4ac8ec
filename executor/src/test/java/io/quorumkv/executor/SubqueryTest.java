package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uncorrelated subqueries in query expressions: IN and NOT IN with SQL's three-valued logic (a NULL
 * among the subquery's rows makes NOT IN unknown, never true), EXISTS, and scalar subqueries (NULL
 * without a row, an error with more than one).
 */
class SubqueryTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run("CREATE TABLE a (id BIGINT PRIMARY KEY, n INTEGER)");
    run("CREATE TABLE b (id BIGINT PRIMARY KEY, n INTEGER)");
    run("INSERT INTO a VALUES (1, 1), (2, 2), (3, 3), (4, NULL)");
    run("INSERT INTO b VALUES (1, 2), (2, 3), (3, 3)");
  }

  private List<Object> firsts(String sql, Object... params) {
    return rows(sql, params).rows().stream().map(r -> r[0]).toList();
  }

  @Test
  void inAndNotIn() {
    assertThat(firsts("SELECT id FROM a WHERE n IN (SELECT n FROM b) ORDER BY id"))
        .containsExactly(2L, 3L);
    assertThat(firsts("SELECT id FROM a WHERE n NOT IN (SELECT n FROM b) ORDER BY id"))
        .containsExactly(1L);
    // With a NULL among the rows, NOT IN is never true.
    assertThat(firsts("SELECT id FROM b WHERE n NOT IN (SELECT n FROM a)")).isEmpty();
    assertThat(firsts("SELECT id FROM a WHERE id IN (SELECT n FROM b WHERE id > ?)", 1L))
        .containsExactly(3L);
    // Types meet as in a comparison: BIGINT ids against INTEGER values.
    assertThat(firsts("SELECT n IN (SELECT id FROM a) FROM b ORDER BY id"))
        .containsExactly(true, true, true);
  }

  @Test
  void exists() {
    assertThat(firsts("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE n = 3) ORDER BY id"))
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(firsts("SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE n > 5)"))
        .hasSize(4);
    assertThat(firsts("SELECT EXISTS (SELECT * FROM b WHERE n > 5)")).containsExactly(false);
  }

  @Test
  void scalarSubqueries() {
    assertThat(firsts("SELECT id FROM a WHERE n = (SELECT MAX(n) FROM b)")).containsExactly(3L);
    assertThat(firsts("SELECT (SELECT COUNT(*) FROM b) + id FROM a WHERE id = 1"))
        .containsExactly(4L);
    assertThat(firsts("SELECT (SELECT n FROM b WHERE id = 99)")).containsExactly((Object) null);
    QueryException many = error("SELECT (SELECT n FROM b)");
    assertThat(many.sqlState()).isEqualTo(QueryException.CARDINALITY_VIOLATION);
    assertThat(many.getMessage()).contains("more than one row");
  }

  @Test
  void correlatedSubqueries() {
    assertThat(
            firsts("SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.n = a.n) ORDER BY id"))
        .containsExactly(2L, 3L);
    assertThat(
            firsts(
                "SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.n = a.n) ORDER BY id"))
        .containsExactly(1L, 4L);
    assertThat(
            firsts("SELECT id FROM a WHERE n IN (SELECT n FROM b WHERE b.id >= a.id) ORDER BY id"))
        .containsExactly(3L); // a.id 2 (n 2) sees b's n {3}; a.id 3 (n 3) sees {3}
    // A scalar subquery per row, in the select list and in WHERE; NULL where it has no row.
    assertThat(
            rows("SELECT id, (SELECT COUNT(*) FROM b WHERE b.n = a.n) FROM a ORDER BY id").rows())
        .extracting(Arrays::asList)
        .containsExactly(List.of(1L, 0L), List.of(2L, 1L), List.of(3L, 2L), List.of(4L, 0L));
    assertThat(
            firsts(
                "SELECT id FROM a WHERE n = (SELECT MAX(b.n) FROM b WHERE b.id <> a.id) ORDER BY id"))
        .containsExactly(3L);
    QueryException many = error("SELECT (SELECT b.id FROM b WHERE b.n = a.n) FROM a");
    assertThat(many.sqlState()).isEqualTo(QueryException.CARDINALITY_VIOLATION);
  }

  @Test
  void errors() {
    QueryException width = error("SELECT id FROM a WHERE n IN (SELECT id, n FROM b)");
    assertThat(width.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(width.getMessage()).contains("must have one column");
    QueryException grouped =
        error(
            "SELECT n, COUNT(*) FROM a GROUP BY n HAVING EXISTS (SELECT 1 FROM b WHERE b.n = a.n)");
    assertThat(grouped.sqlState()).isEqualTo(QueryException.FEATURE_NOT_SUPPORTED);
    assertThat(grouped.getMessage()).contains("enclosing query");
    assertThat(error("SELECT id FROM a WHERE n IN (SELECT 'x')").sqlState())
        .isEqualTo(QueryException.DATATYPE_MISMATCH);
    QueryException set = error("UPDATE a SET n = (SELECT MAX(n) FROM b) WHERE id = 1");
    assertThat(set.sqlState()).isEqualTo(QueryException.FEATURE_NOT_SUPPORTED);
    QueryException conditional =
        error("UPDATE a SET n = 0 WHERE id = 1 AND n IN (SELECT n FROM b) IF n > 0");
    assertThat(conditional.sqlState()).isEqualTo(QueryException.FEATURE_NOT_SUPPORTED);
    assertThat(stored("A")).hasSize(4);
  }

  @Test
  void updateAndDeleteWhereWithSubqueries() {
    assertThat(count("UPDATE a SET n = n * 10 WHERE n IN (SELECT n FROM b)")).isEqualTo(2);
    assertThat(firsts("SELECT n FROM a ORDER BY id")).containsExactly(1, 20, 30, null);
    // With the whole key fixed too, and correlated.
    assertThat(
            count("UPDATE a SET n = 0 WHERE id = 1 AND EXISTS (SELECT 1 FROM b WHERE b.id = a.id)"))
        .isEqualTo(1);
    assertThat(count("DELETE FROM a WHERE id NOT IN (SELECT id FROM b)")).isEqualTo(1);
    assertThat(firsts("SELECT id FROM a ORDER BY id")).containsExactly(1L, 2L, 3L);
    assertThat(count("DELETE FROM a WHERE n > (SELECT MIN(n) FROM b)")).isEqualTo(2);
    assertThat(firsts("SELECT id FROM a")).containsExactly(1L);
  }

  @Test
  void insertSelectWithASubquery() {
    run("CREATE TABLE c (id BIGINT PRIMARY KEY, n INTEGER)");
    assertThat(count("INSERT INTO c SELECT id, n FROM a WHERE n IN (SELECT n FROM b)"))
        .isEqualTo(2);
    assertThat(rows("SELECT id FROM c ORDER BY id").rows())
        .extracting(r -> Arrays.asList(r))
        .containsExactly(List.of(2L), List.of(3L));
  }
}
