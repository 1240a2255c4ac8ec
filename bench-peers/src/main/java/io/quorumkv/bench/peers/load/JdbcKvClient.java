package io.quorumkv.bench.peers.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Client} over one JDBC connection in autocommit and three prepared statements: a point
 * read ({@code key}), an update ({@code value, key}) and a conditional update ({@code next, key,
 * expected}) whose update count says whether it applied.
 */
final class JdbcKvClient implements Client {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcKvClient.class);

  private final Connection connection;
  private final PreparedStatement select;
  private final PreparedStatement update;
  private final PreparedStatement cas;

  JdbcKvClient(Connection connection, String select, String update, String cas)
      throws SQLException {
    this.connection = connection;
    try {
      connection.setAutoCommit(true);
      this.select = connection.prepareStatement(select);
      this.update = connection.prepareStatement(update);
      this.cas = connection.prepareStatement(cas);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public byte[] get(String key) throws SQLException {
    select.setString(1, key);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getBytes(1) : null;
    }
  }

  @Override
  public void put(String key, byte[] value) throws SQLException {
    update.setBytes(1, value);
    update.setString(2, key);
    int n = update.executeUpdate();
    if (n != 1) {
      throw new IllegalStateException("update of " + key + " changed " + n + " rows: loaded?");
    }
  }

  @Override
  public boolean compareAndSet(String key, byte[] expected, byte[] next) throws SQLException {
    cas.setBytes(1, next);
    cas.setString(2, key);
    cas.setBytes(3, expected);
    return cas.executeUpdate() == 1;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing a connection: {}", e.toString());
    }
  }
}
