package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failing statement is answered, with its SQLState, through the JDBC driver and a node of the
 * local cluster (replicated store, Netty endpoint, Avatica): failures of constants that the
 * generated code computes (once an {@link Error} that escaped the endpoint, so the client waited
 * out its timeout), of per-row computations, on the point-read path that answers from the store's
 * completion, and in batches. The statements run with a 10 s query timeout, far below the driver's
 * 60 s default: a missing answer would show as the timeout's SQLState (HYT00) instead of the
 * statement's. The connection stays usable after each error. Also: text outside ISO-8859-1 makes
 * the whole round trip.
 */
class SqlErrorAnswerTest {
  @TempDir static Path dir;

  private static final int TIMEOUT_SECONDS = 10;
  private static final String EMOJI = "\uD83D\uDE00";

  private static LocalCluster cluster;
  private static int table;

  private Connection conn;
  private String t;

  @BeforeAll
  static void start() throws InterruptedException {
    cluster = LocalClusters.start(dir, LocalCluster.DEFAULT_SIZE).cluster();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void connect() throws SQLException {
    conn = DriverManager.getConnection(cluster.jdbcUrl());
    t = "errs" + (++table);
    try (Statement s = conn.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE "
              + t
              + " (id BIGINT PRIMARY KEY, n INTEGER, txt VARCHAR(10), two VARCHAR(2))");
      s.executeUpdate("INSERT INTO " + t + " (id, n, txt) VALUES (1, 10, 'a'), (2, 0, 'b')");
    }
  }

  @AfterEach
  void close() throws SQLException {
    conn.close();
  }

  private SQLException fails(String state, String message, String sql) throws SQLException {
    SQLException e;
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      e = catchThrowableOfType(SQLException.class, () -> s.executeQuery(sql));
    }
    assertAnswered(e, state, message, sql);
    return e;
  }

  private void assertAnswered(SQLException e, String state, String message, String sql)
      throws SQLException {
    assertThat((Throwable) e).as("an error for %s", sql).isNotNull();
    assertThat(e.getSQLState()).as("%s: %s", sql, e.getMessage()).isEqualTo(state);
    assertThat(e.getMessage()).as(sql).contains(message);
    // The connection goes on serving statements.
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t)) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(2);
    }
  }

  @Test
  void constantFailuresAreAnswered() throws SQLException {
    fails("22012", "division by zero", "SELECT 1/0");
    fails("22012", "division by zero", "SELECT 1/0"); // the cached, failed plan
    fails("22003", "numeric value out of range for BIGINT", "SELECT 9223372036854775807 + 1");
    fails("22003", "numeric value out of range for INTEGER", "SELECT 2147483647 + 1");
    fails("22012", "division by zero", "SELECT * FROM " + t + " WHERE id = 1/0");
    fails("22018", "invalid number", "SELECT CAST('x' AS INT)");
    fails("22018", "abc", "SELECT CAST('abc' AS BOOLEAN)");
  }

  @Test
  void rowAndWriteFailuresAreAnswered() throws SQLException {
    fails("22012", "division by zero", "SELECT id / n FROM " + t);
    fails("22018", "invalid number", "SELECT CAST(txt AS BIGINT) FROM " + t);
    fails("42601", "syntax error", "SELECT FROM WHERE");
    fails("42703", "column NOPE does not exist", "SELECT nope FROM " + t);
    SQLException e;
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      e =
          catchThrowableOfType(
              SQLException.class,
              () -> s.executeUpdate("UPDATE " + t + " SET n = n / 0 WHERE id = 1"));
    }
    assertAnswered(e, "22012", "division by zero", "UPDATE ... n / 0");
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      e =
          catchThrowableOfType(
              SQLException.class,
              () -> s.executeUpdate("INSERT INTO " + t + " (id, two) VALUES (3, 'abc')"));
    }
    assertAnswered(e, "22001", "too long for VARCHAR(2)", "INSERT ... 'abc'");
  }

  @Test
  void preparedStatementFailuresAreAnswered() throws SQLException {
    // A point SELECT by key: answered from the store's completion, without a worker.
    try (PreparedStatement p = conn.prepareStatement("SELECT id / ? FROM " + t + " WHERE id = ?")) {
      p.setQueryTimeout(TIMEOUT_SECONDS);
      for (int i = 0; i < 3; i++) {
        p.setLong(1, 0);
        p.setLong(2, 1);
        SQLException e = catchThrowableOfType(SQLException.class, p::executeQuery);
        assertAnswered(e, "22012", "division by zero", "point read / 0");
        p.setLong(1, 2);
        try (ResultSet rs = p.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isZero();
        }
      }
    }
    try (PreparedStatement p = conn.prepareStatement("SELECT 9223372036854775807 + ?")) {
      p.setQueryTimeout(TIMEOUT_SECONDS);
      p.setLong(1, 1);
      SQLException e = catchThrowableOfType(SQLException.class, p::executeQuery);
      assertAnswered(e, "22003", "out of range", "BIGINT max + ?");
    }
    try (PreparedStatement p = conn.prepareStatement("SELECT n FROM " + t + " WHERE id = 1/0")) {
      p.setQueryTimeout(TIMEOUT_SECONDS);
      for (int i = 0; i < 2; i++) {
        SQLException e = catchThrowableOfType(SQLException.class, p::executeQuery);
        assertAnswered(e, "22012", "division by zero", "prepared WHERE id = 1/0");
      }
    }
  }

  @Test
  void batchFailuresSayWhichEntry() throws SQLException {
    try (PreparedStatement p =
        conn.prepareStatement("UPDATE " + t + " SET n = 100 / ? WHERE id = ?")) {
      p.setQueryTimeout(TIMEOUT_SECONDS);
      p.setInt(1, 5);
      p.setLong(2, 1);
      p.addBatch();
      p.setInt(1, 0);
      p.setLong(2, 2);
      p.addBatch();
      BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, p::executeBatch);
      assertAnswered(e, "22012", "batch entry 2 failed", "batch");
    }
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT n FROM " + t + " WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(20); // entry 1 was applied
    }
  }

  @Test
  void unicodeTextRoundTrips() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.executeUpdate(
          "INSERT INTO " + t + " (id, txt, two) VALUES (3, '日本', '" + EMOJI + EMOJI + "')");
    }
    try (PreparedStatement p =
        conn.prepareStatement("INSERT INTO " + t + " (id, txt, two) VALUES (?, ?, ?)")) {
      p.setLong(1, 4);
      p.setString(2, "Grüße " + EMOJI);
      p.setString(3, "ü");
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    assertThat(strings("SELECT txt, two FROM " + t + " WHERE txt = '日本'"))
        .containsExactly("日本", EMOJI + EMOJI);
    assertThat(strings("SELECT txt, '日本' FROM " + t + " WHERE txt LIKE 'Grü%'"))
        .containsExactly("Grüße " + EMOJI, "日本");
    assertThat(strings("SELECT two FROM " + t + " WHERE id = 4")).containsExactly("ü");
    try (PreparedStatement p = conn.prepareStatement("SELECT id FROM " + t + " WHERE two = ?")) {
      p.setString(1, EMOJI + EMOJI);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    }
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          out.add(rs.getString(i));
        }
      }
    }
    return out;
  }
}
