package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The direct plan of primary-key point queries answers exactly as the Calcite plan of the same
 * query (made ineligible for the direct plan by a predicate that is always true), and is used only
 * for that shape.
 */
class PointReadTest extends SqlTestSupport {

  @BeforeEach
  void load() {
    run(
        "CREATE TABLE t (region VARCHAR(8) NOT NULL, id BIGINT NOT NULL, amount DECIMAL(10, 2),"
            + " note VARCHAR(20), data VARBINARY(8), PRIMARY KEY (region, id))");
    run("INSERT INTO t VALUES ('eu', 1, 10.50, 'a', X'0102')");
    run("INSERT INTO t VALUES ('eu', 2, NULL, NULL, NULL)");
    run("INSERT INTO t VALUES ('us', 1, -3.25, 'c', X'')");
  }

  private boolean direct(String sql) {
    session.prepare(sql);
    return ((StatementCompiler.Compiled) engine.plans().getIfPresent(sql)).run()
        instanceof PointRead;
  }

  private static List<List<Object>> asLists(StatementResult.Rows r) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] row : r.rows()) {
      List<Object> l = new ArrayList<>();
      for (Object v : row) {
        l.add(v instanceof byte[] b ? Arrays.toString(b) : v);
      }
      out.add(l);
    }
    return out;
  }

  @Test
  void answersAsTheCalcitePlanDoes() {
    String[][] pairs = {
      {
        "SELECT * FROM t WHERE region = ? AND id = ?",
        "SELECT * FROM t WHERE region = ? AND id = ? AND 1 = 1"
      },
      {
        "SELECT note, amount, id FROM t WHERE id = ? AND region = ?",
        "SELECT note, amount, id FROM t WHERE id = ? AND region = ? AND 1 = 1"
      },
      {
        "SELECT x.data, x.region FROM t x WHERE x.region = ? AND x.id = ?",
        "SELECT x.data, x.region FROM t x WHERE x.region = ? AND x.id = ? AND 1 = 1"
      },
    };
    Object[][] keys = {{"eu", 1L}, {"eu", 2L}, {"us", 1L}, {"us", 2L}, {"eu", null}, {null, 1}};
    for (String[] pair : pairs) {
      assertThat(direct(pair[0])).as(pair[0]).isTrue();
      assertThat(direct(pair[1])).as(pair[1]).isFalse();
      for (Object[] k : keys) {
        Object[] params = pair[0].startsWith("SELECT note") ? new Object[] {k[1], k[0]} : k;
        StatementResult.Rows a = rows(pair[0], params);
        StatementResult.Rows b = rows(pair[1], params);
        assertThat(asLists(a)).as("%s %s", pair[0], Arrays.toString(params)).isEqualTo(asLists(b));
        assertThat(a.columns()).isEqualTo(b.columns());
      }
    }
    assertThat(rows("SELECT amount FROM t WHERE region = ? AND id = ?", "eu", 1).rows().get(0)[0])
        .isEqualTo(new BigDecimal("10.50"));
  }

  @Test
  void otherShapesGoThroughCalcite() {
    assertThat(direct("SELECT * FROM t WHERE region = 'eu' AND id = ?")).isFalse();
    assertThat(direct("SELECT * FROM t WHERE region = ?")).isFalse();
    assertThat(direct("SELECT id + 1 FROM t WHERE region = ? AND id = ?")).isFalse();
    assertThat(direct("SELECT _version FROM t WHERE region = ? AND id = ?")).isFalse();
    assertThat(direct("SELECT * FROM t WHERE region = ? AND id = ? LIMIT 1")).isFalse();
    assertThat(direct("SELECT * FROM t WHERE region = ? AND id = ? AND note = ?")).isFalse();
    assertThat(direct("SELECT * FROM t WHERE region = ? AND id = ? IF note = 'a'")).isFalse();
  }

  @Test
  void seesColumnsAddedAfterItWasPrepared() {
    PreparedSql p = session.prepare("SELECT * FROM t WHERE region = ? AND id = ?");
    run("ALTER TABLE t ADD COLUMN extra INT");
    run("UPDATE t SET extra = 7 WHERE region = 'eu' AND id = 1");
    StatementResult.Rows r = (StatementResult.Rows) p.execute("eu", 1L);
    assertThat(r.columns()).hasSize(6);
    assertThat(r.rows().get(0)[5]).isEqualTo(7);
  }
}
