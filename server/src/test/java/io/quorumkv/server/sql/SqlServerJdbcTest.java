package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC driver end to end against a {@link SqlServer} over an in-process store: DDL, writes,
 * conditional writes (outcome row and update count), prepared statements with every column type,
 * batches, metadata as SQL tools ask for it, and errors with their SQLState.
 */
class SqlServerJdbcTest {

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
    conn = DriverManager.getConnection(url());
  }

  @AfterEach
  void stop() throws Exception {
    if (conn != null) {
      conn.close();
    }
    server.close();
  }

  private String url() {
    return "jdbc:quorumkv://127.0.0.1:" + server.address().getPort();
  }

  private void createAllTypes() throws SQLException {
    try (Statement s = conn.createStatement()) {
      assertThat(
              s.executeUpdate(
                  "CREATE TABLE t (id BIGINT PRIMARY KEY, b BOOLEAN, i INTEGER, d DOUBLE,"
                      + " m DECIMAL(12, 2), v VARCHAR(20), x VARBINARY, ts TIMESTAMP)"))
          .isZero();
    }
  }

  @Test
  void driverIsFoundThroughServiceLoaderAndRejectsOtherUrls() throws SQLException {
    assertThat(DriverManager.getDriver(url())).isInstanceOf(io.quorumkv.jdbc.QuorumDriver.class);
    assertThat(conn.getMetaData().getURL()).isEqualTo(url());
    assertThat(conn.isValid(5)).isTrue();
  }

  @Test
  void ddlAndPlainWritesReportUpdateCounts() throws SQLException {
    createAllTypes();
    try (Statement s = conn.createStatement()) {
      assertThat(s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")).isEqualTo(2);
      assertThat(s.executeUpdate("UPSERT INTO t (id, v) VALUES (2, 'c')")).isEqualTo(1);
      assertThat(s.executeUpdate("UPDATE t SET i = 5 WHERE id = 1")).isEqualTo(1);
      assertThat(s.executeUpdate("DELETE FROM t WHERE id = 2")).isEqualTo(1);
      assertThat(s.execute("DELETE FROM t WHERE id = 2")).isFalse();
      assertThat(s.getUpdateCount()).isZero();
    }
  }

  @Test
  void conditionalWriteShowsAppliedAsRowAndAsUpdateCount() throws SQLException {
    createAllTypes();
    try (Statement s = conn.createStatement()) {
      assertThat(s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'a') IF NOT EXISTS"))
          .isEqualTo(1);
      assertThat(s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'z') IF NOT EXISTS")).isZero();
      try (ResultSet rs = s.executeQuery("UPDATE t SET v = 'b' WHERE id = 1 IF v = 'a'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean("applied")).isTrue();
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs = s.executeQuery("UPDATE t SET v = 'c' WHERE id = 1 IF v = 'a'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean("applied")).isFalse();
        assertThat(rs.getString("V")).isEqualTo("b");
      }
      assertThat(s.execute("DELETE FROM t WHERE id = 1 IF v = 'b'")).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
      assertThat(s.getMoreResults()).isFalse();
      assertThat(s.getUpdateCount()).isEqualTo(-1);
    }
    try (PreparedStatement p = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF EXISTS")) {
      p.setString(1, "q");
      p.setLong(2, 1);
      assertThat(p.executeUpdate()).isZero();
      try (Statement s = conn.createStatement()) {
        s.executeUpdate("INSERT INTO t (id) VALUES (1)");
      }
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void preparedExecutionsAndTheirAnswersTravelInTheCompactEncoding() throws SQLException {
    createAllTypes();
    long before = server.compactAnswers();
    try (PreparedStatement up =
            conn.prepareStatement("UPSERT INTO t (id, i, v, d) VALUES (?, ?, ?, ?)");
        PreparedStatement read = conn.prepareStatement("SELECT i, v, d FROM t WHERE id = ?");
        PreparedStatement cas = conn.prepareStatement("UPDATE t SET v = ? WHERE id = ? IF v = ?")) {
      up.setLong(1, 9);
      up.setInt(2, -7);
      up.setString(3, "nine");
      up.setDouble(4, 2.5);
      assertThat(up.executeUpdate()).isEqualTo(1);
      read.setLong(1, 9);
      try (ResultSet rs = read.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(-7);
        assertThat(rs.getString(2)).isEqualTo("nine");
        assertThat(rs.getDouble(3)).isEqualTo(2.5);
        assertThat(rs.next()).isFalse();
      }
      cas.setString(1, "ten");
      cas.setLong(2, 9);
      cas.setString(3, "nine");
      assertThat(cas.executeUpdate()).isEqualTo(1);
      assertThat(cas.executeUpdate()).as("the condition no longer holds").isZero();
      read.setLong(1, 10);
      try (ResultSet rs = read.executeQuery()) {
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(server.compactAnswers() - before).isGreaterThanOrEqualTo(4);
  }

  @Test
  void everyColumnTypeRoundTripsThroughPreparedStatementsAndResultSets() throws SQLException {
    createAllTypes();
    Timestamp ts = Timestamp.valueOf("2024-02-29 13:45:00.125");
    byte[] bytes = {0, 1, (byte) 0xff};
    try (PreparedStatement p =
        conn.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS")) {
      ResultSetMetaData none = p.getMetaData();
      assertThat(p.getParameterMetaData().getParameterCount()).isEqualTo(8);
      assertThat(p.getParameterMetaData().getParameterType(1)).isEqualTo(Types.BIGINT);
      assertThat(p.getParameterMetaData().getParameterType(5)).isEqualTo(Types.DECIMAL);
      assertThat(none).isNotNull();
      p.setLong(1, 42);
      p.setBoolean(2, true);
      p.setInt(3, -7);
      p.setDouble(4, 2.5);
      p.setBigDecimal(5, new BigDecimal("1234.50"));
      p.setString(6, "héllo");
      p.setBytes(7, bytes);
      p.setTimestamp(8, ts);
      assertThat(p.executeUpdate()).isEqualTo(1);
      // The same key again: not applied, and the outcome row carries the stored values.
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          labels.add(md.getColumnLabel(i));
        }
        assertThat(labels).startsWith("applied", "ID", "B", "I", "D", "M", "V", "X", "TS");
        assertThat(md.getColumnType(1)).isEqualTo(Types.BOOLEAN);
        assertThat(md.getColumnType(labels.indexOf("M") + 1)).isEqualTo(Types.DECIMAL);
        assertThat(md.getScale(labels.indexOf("M") + 1)).isEqualTo(2);
        assertThat(md.getColumnType(labels.indexOf("TS") + 1)).isEqualTo(Types.TIMESTAMP);
        assertThat(md.getColumnType(labels.indexOf("X") + 1)).isEqualTo(Types.VARBINARY);
        assertThat(rs.getBoolean("applied")).isFalse();
        assertThat(rs.getLong("ID")).isEqualTo(42);
        assertThat(rs.getBoolean("B")).isTrue();
        assertThat(rs.getInt("I")).isEqualTo(-7);
        assertThat(rs.getDouble("D")).isEqualTo(2.5);
        assertThat(rs.getBigDecimal("M")).isEqualByComparingTo("1234.50");
        assertThat(rs.getString("V")).isEqualTo("héllo");
        assertThat(rs.getBytes("X")).containsExactly(bytes);
        assertThat(rs.getTimestamp("TS")).isEqualTo(ts);
        assertThat(rs.getObject("TS")).isEqualTo(ts);
        assertThat(rs.getObject("M")).isEqualTo(new BigDecimal("1234.50"));
      }
      p.setLong(1, 43);
      for (int i = 2; i <= 8; i++) {
        p.setNull(i, Types.NULL);
      }
      assertThat(p.executeUpdate()).isEqualTo(1);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject("V")).isNull();
        assertThat(rs.getObject("TS")).isNull();
        rs.getInt("I");
        assertThat(rs.wasNull()).isTrue();
      }
    }
  }

  @Test
  void queriesReturnEveryColumnType() throws SQLException {
    createAllTypes();
    Timestamp ts = Timestamp.valueOf("2001-09-09 01:46:40.5");
    try (PreparedStatement p =
        conn.prepareStatement("UPSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (long id = 1; id <= 300; id++) {
        p.setLong(1, id);
        p.setBoolean(2, id % 2 == 0);
        p.setInt(3, (int) id * 10);
        p.setDouble(4, id / 4.0);
        p.setBigDecimal(5, BigDecimal.valueOf(id * 100 + 1, 2));
        p.setString(6, "v" + id);
        p.setBytes(7, new byte[] {(byte) id});
        p.setTimestamp(8, ts);
        p.addBatch();
      }
      assertThat(p.executeBatch()).hasSize(300).containsOnly(1);
    }
    try (PreparedStatement q =
        conn.prepareStatement("SELECT id, b, i, d, m, v, x, ts FROM t WHERE id = ?")) {
      q.setLong(1, 7);
      try (ResultSet rs = q.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        assertThat(md.getColumnCount()).isEqualTo(8);
        assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
        assertThat(md.getColumnType(2)).isEqualTo(Types.BOOLEAN);
        assertThat(md.getColumnType(3)).isEqualTo(Types.INTEGER);
        assertThat(md.getColumnType(4)).isEqualTo(Types.DOUBLE);
        assertThat(md.getColumnType(5)).isEqualTo(Types.DECIMAL);
        assertThat(md.getColumnType(6)).isEqualTo(Types.VARCHAR);
        assertThat(md.getColumnType(7)).isEqualTo(Types.VARBINARY);
        assertThat(md.getColumnType(8)).isEqualTo(Types.TIMESTAMP);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(7);
        assertThat(rs.getBoolean(2)).isFalse();
        assertThat(rs.getInt(3)).isEqualTo(70);
        assertThat(rs.getDouble(4)).isEqualTo(1.75);
        assertThat(rs.getBigDecimal(5)).isEqualByComparingTo("7.01");
        assertThat(rs.getString(6)).isEqualTo("v7");
        assertThat(rs.getBytes(7)).containsExactly(7);
        assertThat(rs.getTimestamp(8)).isEqualTo(ts);
        assertThat(rs.next()).isFalse();
      }
    }
    try (Statement s = conn.createStatement()) {
      s.setFetchSize(64);
      try (ResultSet rs = s.executeQuery("SELECT id, v FROM t")) {
        long n = 0;
        long sum = 0;
        while (rs.next()) {
          n++;
          sum += rs.getLong("ID");
          assertThat(rs.getString("V")).isEqualTo("v" + rs.getLong("ID"));
        }
        assertThat(n).isEqualTo(300);
        assertThat(sum).isEqualTo(300 * 301 / 2);
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) AS n FROM t WHERE b")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(150);
      }
    }
  }

  @Test
  void preparedBatchesReportOneCountPerEntry() throws SQLException {
    createAllTypes();
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
      for (int i = 0; i < 50; i++) {
        p.setLong(1, i);
        p.setString(2, "row" + i);
        p.addBatch();
      }
      int[] counts = p.executeBatch();
      assertThat(counts).hasSize(50).containsOnly(1);
    }
    try (PreparedStatement p =
        conn.prepareStatement("INSERT INTO t (id, v) VALUES (?, 'x') IF NOT EXISTS")) {
      p.setLong(1, 7);
      p.addBatch();
      p.setLong(1, 1000);
      p.addBatch();
      assertThat(p.executeBatch()).containsExactly(0, 1);
    }
    try (Statement s = conn.createStatement()) {
      s.addBatch("UPDATE t SET i = 1 WHERE id = 1");
      s.addBatch("DELETE FROM t WHERE id = 2");
      assertThat(s.executeBatch()).containsExactly(1, 1);
    }
  }

  @Test
  void resultsLargerThanAFrameAreFetchedInFrames() throws SQLException {
    createAllTypes();
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO t (id) VALUES (?)")) {
      for (int i = 0; i < 250; i++) {
        p.setLong(1, i);
        p.addBatch();
      }
      p.executeBatch();
    }
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      values.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
    }
    try (Statement s = conn.createStatement()) {
      s.setFetchSize(40);
      try (ResultSet rs =
          s.executeQuery("INSERT INTO t (id) VALUES " + values + " IF NOT EXISTS")) {
        int n = 0;
        while (rs.next()) {
          assertThat(rs.getBoolean("applied")).isFalse();
          n++;
        }
        assertThat(n).isEqualTo(250);
      }
    }
  }

  @Test
  void metadataAnswersAsToolsAsk() throws SQLException {
    createAllTypes();
    try (Statement s = conn.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE accounts (region VARCHAR(16) NOT NULL, id BIGINT NOT NULL,"
              + " owner VARCHAR, PRIMARY KEY (region, id))");
    }
    DatabaseMetaData md = conn.getMetaData();
    assertThat(md.getDatabaseProductName()).isEqualTo("QuorumKV");
    assertThat(md.getDatabaseProductVersion()).isEqualTo(SqlServer.VERSION);
    assertThat(md.getDriverName()).isEqualTo("QuorumKV JDBC Driver");
    assertThat(md.supportsTransactions()).isFalse();
    assertThat(md.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);

    List<String> tables = new ArrayList<>();
    try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        tables.add(rs.getString("TABLE_NAME"));
        assertThat(rs.getString("TABLE_TYPE")).isEqualTo("TABLE");
        assertThat(rs.getString("TABLE_SCHEM")).isEqualTo("QUORUMKV");
      }
    }
    assertThat(tables).containsExactly("ACCOUNTS", "T");

    List<String> columns = new ArrayList<>();
    try (ResultSet rs = md.getColumns(null, null, "ACCOUNTS", "%")) {
      while (rs.next()) {
        columns.add(
            rs.getString("COLUMN_NAME")
                + ":"
                + rs.getInt("DATA_TYPE")
                + ":"
                + rs.getString("IS_NULLABLE")
                + ":"
                + rs.getInt("ORDINAL_POSITION"));
      }
    }
    assertThat(columns)
        .containsExactly(
            "REGION:" + Types.VARCHAR + ":NO:1",
            "ID:" + Types.BIGINT + ":NO:2",
            "OWNER:" + Types.VARCHAR + ":YES:3");

    List<String> keys = new ArrayList<>();
    try (ResultSet rs = md.getPrimaryKeys(null, null, "ACCOUNTS")) {
      while (rs.next()) {
        keys.add(rs.getString("COLUMN_NAME") + "#" + rs.getShort("KEY_SEQ"));
      }
    }
    assertThat(keys).containsExactlyInAnyOrder("REGION#1", "ID#2");

    List<String> types = new ArrayList<>();
    try (ResultSet rs = md.getTypeInfo()) {
      while (rs.next()) {
        types.add(rs.getString("TYPE_NAME"));
      }
    }
    assertThat(types)
        .containsExactlyInAnyOrder(
            "BOOLEAN",
            "INTEGER",
            "BIGINT",
            "DOUBLE",
            "DECIMAL",
            "VARCHAR",
            "VARBINARY",
            "TIMESTAMP");

    try (ResultSet rs = md.getSchemas()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("TABLE_SCHEM")).isEqualTo("QUORUMKV");
    }
  }

  @Test
  void showAndDescribeReturnRows() throws SQLException {
    createAllTypes();
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SHOW TABLES")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("T");
    }
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE t")) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      assertThat(n).isEqualTo(8);
    }
  }

  @Test
  void errorsCarrySqlStateAndPosition() throws SQLException {
    try (Statement s = conn.createStatement()) {
      SQLException syntax =
          catchThrowableOfType(SQLException.class, () -> s.executeQuery("SELECT * FORM t"));
      assertThat(syntax.getSQLState()).isEqualTo("42601");
      assertThat(syntax.getMessage()).contains("line 1:10").contains("FORM");

      SQLException unknown =
          catchThrowableOfType(
              SQLException.class, () -> s.executeUpdate("DELETE FROM nope WHERE id = 1"));
      assertThat(unknown.getSQLState()).isEqualTo("42P01");

      SQLException prepare =
          catchThrowableOfType(
              SQLException.class, () -> conn.prepareStatement("UPDATE nope SET a = 1"));
      assertThat(prepare.getSQLState()).isEqualTo("42P01");

      createAllTypes();
      s.executeUpdate("INSERT INTO t (id) VALUES (1)");
      SQLException duplicate =
          catchThrowableOfType(
              SQLException.class, () -> s.executeUpdate("INSERT INTO t (id) VALUES (1)"));
      assertThat(duplicate.getSQLState()).isEqualTo("23505");

      SQLException cluster =
          catchThrowableOfType(SQLException.class, () -> s.executeQuery("CALL QUORUMKV_NODES()"));
      assertThat(cluster.getSQLState()).isEqualTo("0A000");
      assertThat(cluster.getMessage()).contains("not available");

      // The connection is still usable after errors.
      assertThat(s.executeUpdate("INSERT INTO t (id) VALUES (2)")).isEqualTo(1);
    }
  }

  @Test
  void autocommitOnly() throws SQLException {
    assertThat(conn.getAutoCommit()).isTrue();
    conn.setAutoCommit(true);
    conn.commit();
    conn.rollback();
    SQLFeatureNotSupportedException e =
        catchThrowableOfType(
            SQLFeatureNotSupportedException.class, () -> conn.setAutoCommit(false));
    assertThat(e.getSQLState()).isEqualTo("0A000");
  }

  @Test
  void closingConnectionsReleasesServerSessions() throws Exception {
    assertThat(server.openConnections()).isEqualTo(1);
    try (Connection other = DriverManager.getConnection(url())) {
      assertThat(other.isValid(1)).isTrue();
      assertThat(server.openConnections()).isEqualTo(2);
    }
    conn.close();
    conn = null;
    assertThat(server.openConnections()).isZero();
    assertThat(conn).isNull();
  }

  @Test
  void badUrlsAndUnreachableSeedsFailWith08001() {
    SQLException bad =
        catchThrowableOfType(
            SQLException.class, () -> DriverManager.getConnection("jdbc:quorumkv://h:notaport"));
    assertThat(bad.getSQLState()).isEqualTo("08001");
    SQLException option =
        catchThrowableOfType(
            SQLException.class, () -> DriverManager.getConnection(url() + "?connectTimeot=5"));
    assertThat(option.getSQLState()).isEqualTo("08001");
    assertThat(option.getMessage()).contains("connectTimeot");
    SQLException down =
        catchThrowableOfType(
            SQLException.class,
            () -> DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:1?connectTimeout=500"));
    assertThat(down.getSQLState()).isEqualTo("08001");
  }
}
