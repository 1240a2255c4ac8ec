package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run(
        "CREATE TABLE acct (region VARCHAR(8) NOT NULL, id BIGINT NOT NULL,"
            + " balance DECIMAL(12, 2), note VARCHAR, PRIMARY KEY (region, id))");
    run(
        "INSERT INTO acct VALUES ('eu', 1, 10, 'a'), ('eu', 2, 20, NULL), ('eu', 3, 30, 'c'),"
            + " ('us', 1, 5, 'd'), ('us', 2, NULL, 'e')");
    run("CREATE TABLE region (code VARCHAR(8) PRIMARY KEY, name VARCHAR)");
    run("INSERT INTO region VALUES ('eu', 'Europe'), ('us', 'Americas'), ('ap', 'Asia')");
  }

  private List<List<Object>> table(String sql, Object... params) {
    return rows(sql, params).rows().stream().map(Arrays::asList).toList();
  }

  @Test
  void pointRangeAndFullScans() {
    assertThat(table("SELECT id, balance FROM acct WHERE region = 'eu' AND id = 2"))
        .containsExactly(List.of(2L, new BigDecimal("20.00")));
    assertThat(table("SELECT id FROM acct WHERE region = ? AND id >= ?", "eu", 2))
        .containsExactly(List.of(2L), List.of(3L));
    assertThat(table("SELECT id FROM acct WHERE region = 'us'"))
        .containsExactly(List.of(1L), List.of(2L));
    assertThat(table("SELECT region, id FROM acct WHERE balance > 7 ORDER BY balance DESC"))
        .containsExactly(List.of("eu", 3L), List.of("eu", 2L), List.of("eu", 1L));
    assertThat(table("SELECT id FROM acct WHERE region = 'eu' AND id IN (1, 3, 3, 9)"))
        .containsExactly(List.of(1L), List.of(3L));
    assertThat(table("SELECT id FROM acct WHERE region = 'eu' AND id = 1.5")).isEmpty();
  }

  @Test
  void selectStarHidesVersionButItCanBeNamed() {
    StatementResult.Rows r = rows("SELECT * FROM acct WHERE region = 'us' AND id = 1");
    assertThat(r.columns().stream().map(ResultColumn::name))
        .containsExactly("REGION", "ID", "BALANCE", "NOTE");
    long v =
        (Long) rows("SELECT _version FROM acct WHERE region = 'us' AND id = 1").rows().get(0)[0];
    assertThat(v).isEqualTo(1L);
    run("UPDATE acct SET note = 'x' WHERE region = 'us' AND id = 1");
    assertThat(table("SELECT _version, a._version FROM acct a WHERE region = 'us' AND id = 1"))
        .containsExactly(List.of(2L, 2L));
  }

  @Test
  void aggregatesGroupByHavingOrderLimit() {
    assertThat(
            table(
                "SELECT region, COUNT(*), SUM(balance), MAX(id) FROM acct GROUP BY region"
                    + " HAVING COUNT(*) > 1 ORDER BY region"))
        .containsExactly(
            List.of("eu", 3L, new BigDecimal("60.00"), 3L),
            List.of("us", 2L, new BigDecimal("5.00"), 2L));
    assertThat(table("SELECT COUNT(note), COUNT(*) FROM acct")).containsExactly(List.of(4L, 5L));
    assertThat(table("SELECT id FROM acct ORDER BY id DESC, region LIMIT 2 OFFSET 1"))
        .containsExactly(List.of(2L), List.of(2L));
    assertThat(table("SELECT id FROM acct ORDER BY 1 LIMIT ?", 1)).containsExactly(List.of(1L));
    assertThat(table("SELECT DISTINCT region FROM acct ORDER BY region"))
        .containsExactly(List.of("eu"), List.of("us"));
  }

  @Test
  void joinsAndDerivedTables() {
    assertThat(
            table(
                "SELECT r.name, a.id FROM acct a JOIN region r ON a.region = r.code"
                    + " WHERE a.balance >= 10 ORDER BY a.id"))
        .containsExactly(List.of("Europe", 1L), List.of("Europe", 2L), List.of("Europe", 3L));
    assertThat(
            table(
                "SELECT r.code, COUNT(a.id) FROM region r LEFT JOIN acct a ON a.region = r.code"
                    + " GROUP BY r.code ORDER BY r.code"))
        .containsExactly(List.of("ap", 0L), List.of("eu", 3L), List.of("us", 2L));
    assertThat(table("SELECT t.n FROM (SELECT COUNT(*) AS n FROM acct) t"))
        .containsExactly(List.of(5L));
  }

  @Test
  void expressionsAndNulls() {
    List<List<Object>> r =
        table(
            "SELECT id * 2 + 1, balance / 4, UPPER(note) || '!', COALESCE(note, '-'),"
                + " CAST(id AS VARCHAR(5)), balance IS NULL FROM acct WHERE region = 'us' ORDER BY id");
    assertThat(r.get(0).get(0)).isEqualTo(3L);
    // Calcite's DECIMAL division keeps a wide scale; the value is what matters.
    assertThat((BigDecimal) r.get(0).get(1)).isEqualByComparingTo("1.25");
    assertThat(r.get(0).subList(2, 6)).containsExactly("D!", "d", "1", false);
    assertThat(r.get(1).subList(3, 6)).containsExactly("e", "2", true);
    assertThat(table("SELECT 1 + 1, 'x'")).containsExactly(List.of(2, "x"));
    assertThat(table("SELECT id FROM acct WHERE note LIKE '_' AND NOT id BETWEEN 2 AND 3"))
        .containsExactly(List.of(1L), List.of(1L));
  }

  @Test
  void parametersAreTyped() {
    PreparedSql p = session.prepare("SELECT id FROM acct WHERE region = ? AND balance > ? LIMIT ?");
    assertThat(p.parameterTypes())
        .containsExactly(ColumnType.varchar(8), ColumnType.decimal(12, 2), ColumnType.INTEGER);
    assertThat(p.resultColumns()).containsExactly(new ResultColumn("ID", ColumnType.BIGINT, false));
    assertThat(((StatementResult.Rows) p.execute("eu", 15, 10)).rows()).hasSize(2);
  }

  @Test
  void conditionalRead() {
    long v =
        (Long) rows("SELECT _version FROM acct WHERE region = 'eu' AND id = 1").rows().get(0)[0];
    // "Has it changed since the version I hold?"
    assertThat(table("SELECT * FROM acct WHERE region = 'eu' AND id = 1 IF _version > ?", v))
        .isEmpty();
    run("UPDATE acct SET balance = 11 WHERE region = 'eu' AND id = 1");
    assertThat(table("SELECT balance FROM acct WHERE region = 'eu' AND id = 1 IF _version > ?", v))
        .containsExactly(List.of(new BigDecimal("11.00")));
    QueryException e = error("SELECT * FROM acct WHERE region = 'eu' IF balance > 0");
    assertThat(e.sqlState()).isEqualTo(QueryException.INVALID_STATEMENT);
    assertThat(e.getMessage()).contains("primary key column ID is missing");
  }

  @Test
  void insertSelectAndReadsAfterWrites() {
    run("CREATE TABLE archive (id BIGINT PRIMARY KEY, balance DECIMAL(12, 2))");
    assertThat(count("INSERT INTO archive SELECT id, balance FROM acct WHERE region = 'eu'"))
        .isEqualTo(3);
    assertThat(
            count(
                "UPSERT INTO archive (id, balance) SELECT id + 10, balance FROM acct WHERE region = 'us'"))
        .isEqualTo(2);
    assertThat(table("SELECT COUNT(*), SUM(balance) FROM archive"))
        .containsExactly(List.of(5L, new BigDecimal("65.00")));
  }

  @Test
  void keyLessTablesHideTheRowId() {
    run("CREATE TABLE log (msg VARCHAR)");
    run("INSERT INTO log VALUES ('a'), ('b')");
    assertThat(rows("SELECT * FROM log").columns())
        .extracting(ResultColumn::name)
        .containsExactly("MSG");
    assertThat(table("SELECT msg FROM log ORDER BY msg"))
        .containsExactly(List.of("a"), List.of("b"));
    assertThat(table("SELECT COUNT(DISTINCT _ROWID) FROM log")).containsExactly(List.of(2L));
  }
}
