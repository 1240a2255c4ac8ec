package io.quorumkv.bench.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A benchmark client over one JDBC connection with its two prepared statements. */
final class JdbcClient implements BenchClient {

  private final Connection connection;
  private final PreparedStatement select;
  private final PreparedStatement cas;

  JdbcClient(String url) throws SQLException {
    connection = DriverManager.getConnection(url);
    select = connection.prepareStatement(JdbcBench.SELECT);
    cas = connection.prepareStatement(JdbcBench.CAS);
  }

  @Override
  public long read(long k) throws SQLException {
    select.setLong(1, k);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("key " + k + " is missing");
      }
      return rs.getLong(1);
    }
  }

  @Override
  public boolean readThenCas(long k) throws SQLException {
    long v = read(k);
    cas.setLong(1, v + 1);
    cas.setLong(2, k);
    cas.setLong(3, v);
    return cas.executeUpdate() == 1;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
