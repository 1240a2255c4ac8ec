package io.quorumkv.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures the SQL layer does not expect, thrown while a statement runs, are answered as internal
 * errors (SQLState XX000) through the JDBC driver, on the worker path and on the point-read path
 * that answers from the store's completion, and the connection stays usable. An {@link Error} is
 * included: it used to escape the endpoint's handlers, leaving the client to wait out its timeout
 * (the statements here run with a 10 s query timeout; a missing answer would be HYT00).
 */
class SqlServerInternalErrorTest {

  private final AtomicLong clients = new AtomicLong();
  private FailingStore store;
  private SqlServer server;
  private Connection conn;

  @BeforeEach
  void start() throws Exception {
    store = new FailingStore(new LocalKeyValueStore());
    SqlEngine engine =
        new SqlEngine(store, clients::incrementAndGet, SchemaLease.of(Duration.ofMillis(20)));
    server = SqlServer.start(0, engine);
    conn = DriverManager.getConnection("jdbc:quorumkv://127.0.0.1:" + server.address().getPort());
    try (Statement s = conn.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(10))");
      s.executeUpdate("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    }
  }

  @AfterEach
  void stop() throws Exception {
    store.fail(null);
    if (conn != null) {
      conn.close();
    }
    server.close();
  }

  private void assertInternalError(SQLException e, String detail) throws SQLException {
    assertThat((Throwable) e).isNotNull();
    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("XX000");
    assertThat(e.getMessage()).contains("internal error").contains(detail);
    store.fail(null);
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(2);
    }
  }

  @Test
  void anErrorInAScanIsAnswered() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(10);
      s.executeQuery("SELECT * FROM t").close(); // planned and cached before the failure
      store.fail(new AssertionError("scan broke"));
      SQLException e =
          catchThrowableOfType(SQLException.class, () -> s.executeQuery("SELECT * FROM t"));
      assertInternalError(e, "scan broke");
    }
  }

  @Test
  void anErrorOfAPointReadIsAnswered() throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      p.setQueryTimeout(10);
      p.setLong(1, 1);
      p.executeQuery().close();
      for (Throwable t :
          new Throwable[] {
            new AssertionError("get broke"), new IllegalStateException("get broke too")
          }) {
        store.fail(t);
        SQLException e = catchThrowableOfType(SQLException.class, p::executeQuery);
        assertInternalError(e, "broke");
      }
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("a");
      }
    }
  }

  @Test
  void aDataErrorThrownAsAnErrorKeepsItsState() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.setQueryTimeout(10);
      store.fail(new ExceptionInInitializerError(new ArithmeticException("/ by zero")));
      SQLException e =
          catchThrowableOfType(SQLException.class, () -> s.executeQuery("SELECT * FROM t"));
      assertThat(e.getSQLState()).isEqualTo("22012");
      assertThat(e.getMessage()).contains("division by zero");
    }
  }
}
