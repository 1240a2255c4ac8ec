package io.quorumkv.jdbc;

import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's statement with the query timeout applied to the request and the {@code applied} outcome
 * of conditional statements reported as the update count of {@code executeUpdate}. Not thread-safe,
 * as JDBC statements.
 */
final class QuorumStatement extends AvaticaStatement {

  QuorumStatement(
      AvaticaConnection connection,
      Meta.StatementHandle h,
      int resultSetType,
      int resultSetConcurrency,
      int resultSetHoldability) {
    super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override
  protected void executeInternal(String sql) throws SQLException {
    QuorumConnection.withQueryTimeout(
        getQueryTimeout(),
        () -> {
          super.executeInternal(sql);
          return null;
        });
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    long count = super.executeLargeUpdate(sql);
    if (count == -1 && openResultSet != null) {
      count = Applied.count(openResultSet);
      openResultSet = null;
      updateCount = count;
    }
    return count;
  }
}
