package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UNION, INTERSECT and EXCEPT, with and without ALL: duplicates removed unless ALL, NULLs equal to
 * each other for the purpose of the set operation (as SQL's DISTINCT treats them), INTERSECT
 * binding more tightly, columns of the common type named after the first SELECT, ORDER BY and LIMIT
 * over the whole result.
 */
class SetOperationTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run("CREATE TABLE a (id BIGINT PRIMARY KEY, n INTEGER, s VARCHAR(5))");
    run("CREATE TABLE b (id BIGINT PRIMARY KEY, n INTEGER, d DECIMAL(5, 1))");
    run("INSERT INTO a VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 2, NULL), (4, NULL, 'z')");
    run("INSERT INTO b VALUES (1, 2, 1.5), (2, 3, NULL), (3, NULL, 2.0), (4, 3, 1.5)");
  }

  private List<List<Object>> result(String sql, Object... params) {
    return rows(sql, params).rows().stream().map(Arrays::asList).toList();
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  @Test
  void unionRemovesDuplicatesUnlessAll() {
    assertThat(result("SELECT n FROM a UNION SELECT n FROM b ORDER BY n"))
        .containsExactly(row(1), row(2), row(3), row((Object) null));
    assertThat(result("SELECT n FROM a UNION ALL SELECT n FROM b ORDER BY n NULLS FIRST"))
        .containsExactly(
            row((Object) null), row((Object) null), row(1), row(2), row(2), row(2), row(3), row(3));
    assertThat(result("SELECT n FROM a UNION DISTINCT SELECT n FROM b")).hasSize(4);
  }

  @Test
  void intersectAndExcept() {
    assertThat(result("SELECT n FROM a INTERSECT SELECT n FROM b ORDER BY 1"))
        .containsExactly(row(2), row((Object) null));
    assertThat(result("SELECT n FROM a EXCEPT SELECT n FROM b")).containsExactly(row(1));
    assertThat(result("SELECT n FROM b EXCEPT SELECT n FROM a")).containsExactly(row(3));
    assertThat(result("SELECT n FROM b EXCEPT ALL SELECT n FROM a ORDER BY n"))
        .containsExactly(row(3), row(3));
    assertThat(result("SELECT n FROM a INTERSECT ALL SELECT n FROM b ORDER BY n"))
        .containsExactly(row(2), row((Object) null));
  }

  @Test
  void intersectBindsMoreTightlyAndParenthesesGroup() {
    // 1 UNION (2 INTERSECT 3) = {1}; (1 UNION 2) INTERSECT 3 = {}.
    assertThat(result("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3")).containsExactly(row(1));
    assertThat(result("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3")).isEmpty();
    assertThat(result("SELECT 1 EXCEPT (SELECT 1 UNION SELECT 2)")).isEmpty();
    assertThat(result("SELECT 3 UNION SELECT 1 UNION SELECT 2 ORDER BY 1 DESC LIMIT 2"))
        .containsExactly(row(3), row(2));
  }

  @Test
  void columnsTakeTheFirstNamesAndTheCommonType() {
    StatementResult.Rows r =
        rows("SELECT id AS k, n FROM a UNION ALL SELECT id, d FROM b ORDER BY k, n");
    assertThat(r.columns()).extracting(c -> c.name()).containsExactly("K", "N");
    assertThat(r.rows().get(0)[1]).isEqualTo(new BigDecimal("1.0"));
    assertThat(result("SELECT s FROM a WHERE id = 1 UNION SELECT 'longer' ORDER BY s"))
        .containsExactly(row("longer"), row("x"));
    assertThat(result("SELECT s FROM a WHERE id = 1 UNION SELECT NULL")).hasSize(2);
  }

  @Test
  void operandsMayHaveTheirOwnClausesAndParameters() {
    assertThat(
            result(
                "SELECT id FROM a WHERE n = ? UNION (SELECT id FROM b ORDER BY id DESC LIMIT ?)"
                    + " ORDER BY id",
                2,
                1))
        .containsExactly(row(2L), row(3L), row(4L));
    assertThat(result("SELECT n, COUNT(*) FROM a GROUP BY n UNION SELECT 9, 9 ORDER BY 1 LIMIT 1"))
        .containsExactly(row(1, 1L));
    assertThat(result("SELECT COUNT(*) FROM (SELECT n FROM a UNION SELECT n FROM b) u"))
        .containsExactly(row(4L));
    // A key predicate in one operand is no point read of the whole statement.
    assertThat(result("SELECT n FROM a WHERE id = ? UNION SELECT n FROM b WHERE id = ?", 1L, 2L))
        .containsExactlyInAnyOrder(row(1), row(3));
  }

  @Test
  void insertSelectOfAUnion() {
    run("CREATE TABLE c (n INTEGER PRIMARY KEY)");
    assertThat(
            count(
                "INSERT INTO c SELECT n FROM a WHERE n IS NOT NULL UNION SELECT n FROM b WHERE n IS NOT NULL"))
        .isEqualTo(3);
    assertThat(result("SELECT n FROM c ORDER BY n")).containsExactly(row(1), row(2), row(3));
  }

  @Test
  void errors() {
    QueryException width = error("SELECT id, n FROM a UNION SELECT id FROM b");
    assertThat(width.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(width.getMessage()).startsWith("line 1:21: ").contains("same number of columns");
    QueryException types = error("SELECT s FROM a UNION SELECT n FROM b");
    assertThat(types.sqlState()).isEqualTo(QueryException.DATATYPE_MISMATCH);
    assertThat(types.column()).isEqualTo(17);
    assertThat(error("SELECT n FROM a UNION SELECT n FROM b ORDER BY n + 1").sqlState())
        .isEqualTo(QueryException.FEATURE_NOT_SUPPORTED);
    QueryException left = error("(SELECT n FROM a LIMIT 1) UNION SELECT n FROM b");
    assertThat(left.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(left.column()).isEqualTo(27);
    QueryException word = error("SELECT n FROM a UNION");
    assertThat(word.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(word.getMessage()).startsWith("line 1:22: ");
    assertThat(error("SELECT n FROM a WHERE id = 1 UNION SELECT n FROM b IF n = 1").sqlState())
        .isEqualTo(QueryException.INVALID_STATEMENT);
  }
}
