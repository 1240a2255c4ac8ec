package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CASE, set operations, subqueries and the function table through the JDBC driver: results, their
 * column metadata, and prepared statements with parameters typed by the new constructs.
 */
class SqlBreadthJdbcTest {

  private final AtomicLong clients = new AtomicLong();
  private SqlServer server;
  private Connection conn;

  @BeforeEach
  void start() throws Exception {
    SqlEngine engine =
        new SqlEngine(
            new LocalKeyValueStore(),
            clients::incrementAndGet,
            SchemaLease.of(Duration.ofMillis(20)));
    server = SqlServer.start(0, engine);
    conn = DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:" + server.address().getPort());
    try (Statement s = conn.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(10), amount DECIMAL(8, 2))");
      s.executeUpdate(
          "INSERT INTO t VALUES (1, ' Grüße ', 10.50), (2, '日本', -3.25), (3, NULL, 0.00)");
    }
  }

  @AfterEach
  void stop() throws Exception {
    conn.close();
    server.close();
  }

  private List<List<Object>> rows(ResultSet rs) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        row.add(rs.getObject(i));
      }
      out.add(row);
    }
    return out;
  }

  @Test
  void caseAndFunctionsWithTheirTypes() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, CASE WHEN amount > 0 THEN 'credit' WHEN amount < 0 THEN 'debit' END AS kind,"
                    + " TRIM(name) AS trimmed, CHAR_LENGTH(name), ROUND(amount, 0), POWER(2, id)"
                    + " FROM t ORDER BY id")) {
      ResultSetMetaData md = rs.getMetaData();
      assertThat(md.getColumnLabel(2)).isEqualTo("KIND");
      assertThat(md.getColumnType(2)).isEqualTo(Types.VARCHAR);
      assertThat(md.getColumnType(4)).isEqualTo(Types.INTEGER);
      assertThat(md.getColumnType(5)).isEqualTo(Types.DECIMAL);
      assertThat(md.getColumnType(6)).isEqualTo(Types.DOUBLE);
      assertThat(rows(rs))
          .containsExactly(
              List.of(1L, "credit", "Grüße", 7, new BigDecimal("11.00"), 2.0),
              List.of(2L, "debit", "日本", 2, new BigDecimal("-3.00"), 4.0),
              java.util.Arrays.asList(3L, null, null, null, new BigDecimal("0.00"), 8.0));
    }
  }

  @Test
  void setOperationsAndSubqueriesWithParameters() throws SQLException {
    try (PreparedStatement p =
        conn.prepareStatement(
            "SELECT id FROM t WHERE amount > ? UNION SELECT id FROM t WHERE id IN"
                + " (SELECT id FROM t WHERE name LIKE ?) ORDER BY id")) {
      p.setBigDecimal(1, new BigDecimal("5"));
      p.setString(2, "日%");
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rows(rs)).containsExactly(List.of(1L), List.of(2L));
      }
    }
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT a.id, (SELECT COUNT(*) FROM t b WHERE b.amount < a.amount) FROM t a"
                    + " ORDER BY 2 DESC NULLS LAST, a.id")) {
      assertThat(rows(rs)).containsExactly(List.of(1L, 2L), List.of(3L, 1L), List.of(2L, 0L));
    }
  }

  @Test
  void writesUseTheSameFunctions() throws SQLException {
    try (PreparedStatement p =
        conn.prepareStatement(
            "UPDATE t SET name = CASE WHEN ? THEN UPPER(TRIM(name)) ELSE name END WHERE id = ?")) {
      p.setBoolean(1, true);
      p.setLong(2, 1);
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT name, SUBSTRING(name FROM 2 FOR 3) FROM t WHERE id = 1")) {
      assertThat(rows(rs)).containsExactly(List.of("GRÜSSE", "RÜS"));
    }
  }
}
