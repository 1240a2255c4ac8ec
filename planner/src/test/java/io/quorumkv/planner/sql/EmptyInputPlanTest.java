package io.quorumkv.planner.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.parser.SqlParser;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.rel.RowSource;
import io.quorumkv.planner.schema.CatalogReader;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queries that Calcite proves empty while translating them (a NOT NULL key column IS NULL turns the
 * scan into empty Values) plan, and the operators above the empty input collapse into it, except
 * those that still produce rows: a global aggregate and the preserved side of an outer join.
 * QueryReferenceProperties found {@code SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k1, k2}
 * failing with CannotPlanException (seed -2449866533795377199).
 */
class EmptyInputPlanTest {

  /**
   * Columns: K1 INT, K2 VARCHAR(4) (the key, so NOT NULL), A INT, B DECIMAL(8, 2), C VARCHAR(6).
   */
  private static final TableDef T =
      TableDef.create(
          1,
          "T",
          List.of(
              ColumnDef.of("K1", ColumnType.INTEGER, false),
              ColumnDef.of("K2", ColumnType.varchar(4), false),
              ColumnDef.of("A", ColumnType.INTEGER, true),
              ColumnDef.of("B", ColumnType.decimal(8, 2), true),
              ColumnDef.of("C", ColumnType.varchar(6), true)),
          List.of("K1", "K2"),
          "memory");

  private static final CatalogReader CATALOG =
      new CatalogReader() {
        @Override
        public Optional<TableDef> table(String name) {
          return name.equals("T") ? Optional.of(T) : Optional.empty();
        }

        @Override
        public List<TableDef> tables() {
          return List.of(T);
        }
      };

  /**
   * Two rows of T, each followed by its version. Scans match the key prefix and ignore the bounds
   * (the plan re-checks them above the scan).
   */
  private static final RowSource ROWS =
      new RowSource() {
        private final List<Object[]> rows =
            List.of(
                new Object[] {1, "a", 3, new BigDecimal("2.00"), "x", 1L},
                new Object[] {2, "b", null, null, null, 1L});

        @Override
        public Object[] get(TableDef table, List<Object> key) {
          return rows.stream()
              .filter(r -> List.of(r[0], r[1]).equals(key))
              .findFirst()
              .orElse(null);
        }

        @Override
        public Iterator<Object[]> scan(
            TableDef table, List<Object> prefix, Bound lower, Bound upper) {
          return rows.stream()
              .filter(r -> Arrays.asList(r).subList(0, prefix.size()).equals(prefix))
              .iterator();
        }
      };

  private static PlannedQuery plan(String sql) {
    return QueryPlanner.plan((Select) SqlParser.parse(sql), CATALOG, new ParameterTypes());
  }

  private static List<List<Object>> run(PlannedQuery q, Object... params) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] row : q.run(params, ROWS)) {
      out.add(Arrays.asList(row));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k1, k2",
        "SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k1 DESC, k2 LIMIT 3",
        "SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k2, k1 LIMIT 2 OFFSET 1",
        "SELECT k2, a FROM t WHERE (k1 IS NULL AND a IS NULL) ORDER BY a DESC",
        "SELECT * FROM t WHERE k1 IS NULL",
        "SELECT * FROM t WHERE k1 = 1 AND k2 = 'a' AND k2 IS NULL",
        "SELECT a + k1, b FROM t ORDER BY k2, k1 LIMIT 0",
        "SELECT k1, COUNT(*) FROM t WHERE k1 IS NULL GROUP BY k1",
        "SELECT c, COUNT(DISTINCT c), SUM(b) FROM t WHERE k1 IS NULL GROUP BY c ORDER BY c",
        "SELECT DISTINCT c FROM t WHERE k1 IS NULL ORDER BY c",
        "SELECT x.k1, y.k2 FROM t x JOIN t y ON x.k1 = y.k1 WHERE x.k1 IS NULL ORDER BY y.k2",
        "SELECT x.k1, y.k2 FROM t x JOIN (SELECT k1, k2 FROM t WHERE k1 IS NULL) y"
            + " ON x.k1 = y.k1 ORDER BY x.k2",
        "SELECT d.s FROM (SELECT k1 + a AS s FROM t WHERE k2 IS NULL ORDER BY k1) d ORDER BY d.s"
      })
  void provablyEmptyQueriesPlanAsEmptyValues(String sql) {
    PlannedQuery q = plan(sql);
    assertThat(q.explain()).as(sql).isEqualTo("EnumerableValues(tuples=[[]])");
    assertThat(run(q)).as(sql).isEmpty();
  }

  @Test
  void limitAndOffsetParametersOverNothing() {
    PlannedQuery q = plan("SELECT a + k1, b FROM t WHERE k1 IS NULL ORDER BY k2 LIMIT ? OFFSET ?");
    assertThat(q.explain()).isEqualTo("EnumerableValues(tuples=[[]])");
    assertThat(run(q, 2, 1)).isEmpty();
  }

  @Test
  void globalAggregatesOverNothingAreOneRow() {
    PlannedQuery count = plan("SELECT COUNT(*) FROM t WHERE k1 IS NULL");
    assertThat(count.explain()).contains("EnumerableAggregate").contains("EnumerableValues");
    assertThat(run(count)).containsExactly(List.of(0L));

    PlannedQuery more =
        plan("SELECT COUNT(*), COUNT(a), SUM(b), MIN(c) FROM t WHERE k1 IS NULL ORDER BY 1");
    assertThat(run(more)).containsExactly(Arrays.asList(0L, 0L, null, null));
  }

  @Test
  void outerJoinsKeepTheirPreservedSide() {
    PlannedQuery left =
        plan(
            "SELECT x.k1, y.k2 FROM t x LEFT JOIN (SELECT k1, k2 FROM t WHERE k1 IS NULL) y"
                + " ON x.k1 = y.k1 ORDER BY x.k1");
    assertThat(left.explain()).doesNotContain("Join").contains("FULL_SCAN");
    assertThat(run(left)).containsExactly(Arrays.asList(1, null), Arrays.asList(2, null));

    PlannedQuery full =
        plan(
            "SELECT x.k1, y.k2 FROM t x FULL JOIN (SELECT k1, k2 FROM t WHERE k1 IS NULL) y"
                + " ON x.k1 = y.k1 ORDER BY x.k1");
    assertThat(run(full)).containsExactly(Arrays.asList(1, null), Arrays.asList(2, null));
  }

  @Test
  void aJoinConditionThatEmptiesOneSideStillPlans() {
    // The pushed-down condition proves the right side empty only during cost-based planning.
    PlannedQuery inner =
        plan("SELECT x.k1, y.k2 FROM t x JOIN t y ON x.k1 = y.k1 AND y.k1 IS NULL ORDER BY x.k2");
    assertThat(run(inner)).isEmpty();
    PlannedQuery left =
        plan(
            "SELECT x.k1, y.k2 FROM t x LEFT JOIN t y ON x.k1 = y.k1 AND y.k1 IS NULL"
                + " ORDER BY x.k2");
    assertThat(run(left)).containsExactly(Arrays.asList(1, null), Arrays.asList(2, null));
  }

  @Test
  void falsePredicatesTheTranslatorDoesNotReduceStillFilterEverythingOut() {
    // No constant reduction runs, so these read the table and filter every row out.
    for (String sql :
        List.of(
            "SELECT a FROM t WHERE 1 = 0 ORDER BY k1",
            "SELECT a FROM t WHERE k1 = 1 AND k1 = 2 ORDER BY k2 LIMIT 2 OFFSET 1",
            "SELECT k1, COUNT(*) FROM t WHERE 1 = 0 GROUP BY k1")) {
      assertThat(run(plan(sql))).as(sql).isEmpty();
    }
    assertThat(run(plan("SELECT COUNT(*) FROM t WHERE k1 = 1 AND k1 = 2")))
        .containsExactly(List.of(0L));
  }

  @Test
  void otherPlansKeepTheirAccessPaths() {
    PlannedQuery point = plan("SELECT b FROM t WHERE k1 = 1 AND k2 = 'a'");
    assertThat(point.explain())
        .contains("access=[PK_POINT_QUERY], key=[K1 = 1, K2 = 'a']")
        .doesNotContain("EnumerableValues");
    assertThat(run(point)).containsExactly(List.of(new BigDecimal("2.00")));
    assertThat(plan("SELECT a FROM t WHERE k1 = 2 ORDER BY k2").explain())
        .contains("access=[PK_RANGE_QUERY], key=[K1 = 2]");
  }
}
