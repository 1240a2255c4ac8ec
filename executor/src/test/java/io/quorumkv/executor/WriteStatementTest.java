package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteStatementTest extends SqlTestSupport {

  @BeforeEach
  void schema() {
    run(
        "CREATE TABLE acct (id BIGINT NOT NULL, region VARCHAR(8), balance DECIMAL(12, 2) NOT NULL,"
            + " ver INT, PRIMARY KEY (id))");
  }

  @Test
  void insertThenDuplicateKeyFailsWith23505() {
    assertThat(count("INSERT INTO acct VALUES (1, 'eu', 10.5, 0), (2, 'us', 3, 0)")).isEqualTo(2);
    QueryException e = error("INSERT INTO acct VALUES (3, 'eu', 1, 0), (1, 'us', 99, 0)");
    assertThat(e.sqlState()).isEqualTo(QueryException.UNIQUE_VIOLATION);
    assertThat(e.getMessage()).contains("duplicate key (ID=1)");
    // Atomic per row: the row before the duplicate was written, and the error says so.
    assertThat(e.rowsWritten()).isEqualTo(1);
    assertThat(stored("ACCT"))
        .containsExactly(
            List.of(1L, "eu", new BigDecimal("10.50"), 0),
            List.of(2L, "us", new BigDecimal("3.00"), 0),
            List.of(3L, "eu", new BigDecimal("1.00"), 0));
  }

  @Test
  void insertIfNotExistsReportsTheExistingRow() {
    run("INSERT INTO acct (id, balance) VALUES (1, 5)");
    StatementResult.Rows r =
        rows("INSERT INTO acct (id, balance) VALUES (1, 7), (2, 8) IF NOT EXISTS");
    assertThat(r.columns().stream().map(ResultColumn::name))
        .containsExactly("applied", "ID", "REGION", "BALANCE", "VER", "_VERSION");
    assertThat(r.rows().get(0)).containsExactly(false, 1L, null, new BigDecimal("5.00"), null, 1L);
    assertThat(r.rows().get(1)).containsExactly(true, null, null, null, null, null);
    assertThat(stored("ACCT")).hasSize(2);
  }

  @Test
  void upsertReplacesAndWithColumnListKeepsOtherColumns() {
    run("INSERT INTO acct VALUES (1, 'eu', 5, 1)");
    assertThat(count("UPSERT INTO acct (id, balance) VALUES (1, 9), (2, 1)")).isEqualTo(2);
    assertThat(stored("ACCT"))
        .containsExactly(
            List.of(1L, "eu", new BigDecimal("9.00"), 1),
            Arrays.asList(2L, null, new BigDecimal("1.00"), null));
  }

  @Test
  void updateByKeyWithSetExpressionsAndParameters() {
    run("INSERT INTO acct VALUES (1, 'eu', 100, 0)");
    assertThat(count("UPDATE acct SET balance = balance - ?, ver = ver + 1 WHERE id = ?", 30, 1))
        .isEqualTo(1);
    assertThat(count("UPDATE acct SET balance = 0 WHERE id = 2")).isZero();
    assertThat(stored("ACCT")).containsExactly(List.of(1L, "eu", new BigDecimal("70.00"), 1));
  }

  @Test
  void extraWherePredicatesAreTheRowCondition() {
    run("INSERT INTO acct VALUES (1, 'eu', 100, 7)");
    // Optimistic locking: the version check runs inside the row's round.
    assertThat(count("UPDATE acct SET balance = 2, ver = ver + 1 WHERE id = 1 AND ver = 6"))
        .isZero();
    assertThat(count("UPDATE acct SET balance = 2, ver = ver + 1 WHERE id = 1 AND ver = 7"))
        .isOne();
    assertThat(count("UPDATE acct SET balance = 3, ver = ver + 1 WHERE ver = 8 AND id = 1"))
        .isOne();
    assertThat(stored("ACCT")).containsExactly(List.of(1L, "eu", new BigDecimal("3.00"), 9));
  }

  @Test
  void conditionalUpdateReturnsAppliedAndCurrentValues() {
    run("INSERT INTO acct VALUES (1, 'eu', 10, 0)");
    StatementResult.Rows no =
        rows("UPDATE acct SET balance = balance - 20 WHERE id = 1 IF balance >= 20");
    assertThat(no.rows().get(0)).containsExactly(false, 1L, "eu", new BigDecimal("10.00"), 0, 1L);
    StatementResult.Rows yes =
        rows(
            "UPDATE acct SET balance = balance - 5 WHERE id = 1 IF balance >= 5 AND region = 'eu'");
    assertThat(yes.value(0, "applied")).isEqualTo(true);
    StatementResult.Rows missing = rows("UPDATE acct SET balance = 1 WHERE id = 9 IF EXISTS");
    assertThat(missing.rows().get(0)).containsExactly(false, null, null, null, null, null);
    assertThat(rows("UPDATE acct SET ver = 5 WHERE id = 1 IF EXISTS").value(0, "applied"))
        .isEqualTo(true);
  }

  @Test
  void versionPseudoColumnInConditions() {
    run("INSERT INTO acct VALUES (1, 'eu', 10, 0)");
    long v = versionOf("ACCT", 1L);
    assertThat(
            rows("UPDATE acct SET ver = 1 WHERE id = 1 IF _version = ?", v + 1).value(0, "applied"))
        .isEqualTo(false);
    assertThat(rows("UPDATE acct SET ver = 1 WHERE id = 1 IF _version = ?", v).value(0, "applied"))
        .isEqualTo(true);
    assertThat(versionOf("ACCT", 1L)).isEqualTo(v + 1);
  }

  @Test
  void threeValuedLogicInConditions() {
    run("INSERT INTO acct VALUES (1, NULL, 10, NULL)");
    // ver = 1 is UNKNOWN for a NULL ver, so the condition does not hold ...
    assertThat(count("UPDATE acct SET balance = 1 WHERE id = 1 AND ver = 1")).isZero();
    // ... and neither does its negation.
    assertThat(count("UPDATE acct SET balance = 1 WHERE id = 1 AND NOT ver = 1")).isZero();
    // UNKNOWN OR TRUE is TRUE.
    assertThat(count("UPDATE acct SET balance = 2 WHERE id = 1 AND (ver = 1 OR region IS NULL)"))
        .isOne();
    assertThat(
            count(
                "UPDATE acct SET balance = 3 WHERE id = 1 AND balance BETWEEN 1 AND 2"
                    + " AND id IN (1, NULL) AND COALESCE(region, 'x') LIKE 'x%'"))
        .isOne();
    assertThat(stored("ACCT").get(0).get(2)).isEqualTo(new BigDecimal("3.00"));
  }

  @Test
  void deleteByKeyConditionalAndMultiRow() {
    run(
        "INSERT INTO acct VALUES (1, 'eu', 0, 0), (2, 'eu', 5, 0), (3, 'us', 0, 0), (4, 'eu', 0, 0)");
    assertThat(rows("DELETE FROM acct WHERE id = 2 IF balance = 0").rows().get(0)[0])
        .isEqualTo(false);
    assertThat(count("DELETE FROM acct WHERE id = 1")).isOne();
    assertThat(count("DELETE FROM acct WHERE id = 1")).isZero();
    // Not a full key: each matching row is deleted in its own round.
    assertThat(count("DELETE FROM acct WHERE region = 'eu' AND balance = 0")).isOne();
    assertThat(stored("ACCT").stream().map(r -> r.get(0))).containsExactly(2L, 3L);
  }

  @Test
  void multiRowUpdateCountsRowsItChanged() {
    run("INSERT INTO acct VALUES (1, 'eu', 1, 0), (2, 'eu', 2, 0), (3, 'us', 3, 0)");
    assertThat(count("UPDATE acct SET balance = balance * 10 WHERE region = 'eu'")).isEqualTo(2);
    assertThat(count("UPDATE acct SET ver = ver + 1")).isEqualTo(3);
    assertThat(stored("ACCT").stream().map(r -> r.get(2)))
        .containsExactly(new BigDecimal("10.00"), new BigDecimal("20.00"), new BigDecimal("3.00"));
  }

  @Test
  void keyLessTableGetsHiddenUniqueRowIds() {
    run("CREATE TABLE events (payload VARCHAR, n INT)");
    assertThat(count("INSERT INTO events VALUES ('a', 1), ('a', 1)")).isEqualTo(2);
    assertThat(count("INSERT INTO events (n) VALUES (2)")).isOne();
    List<List<Object>> rows = stored("EVENTS");
    assertThat(rows).hasSize(3);
    assertThat(rows.stream().map(r -> r.get(0)).distinct()).hasSize(3);
    assertThat(count("UPDATE events SET n = n + 10 WHERE payload = 'a'")).isEqualTo(2);
    assertThat(error("INSERT INTO events (_ROWID, n) VALUES (1, 1)").sqlState())
        .isEqualTo(QueryException.INVALID_STATEMENT);
  }
}
