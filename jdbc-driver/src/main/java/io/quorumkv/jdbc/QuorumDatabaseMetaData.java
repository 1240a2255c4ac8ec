package io.quorumkv.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

/**
 * Avatica's database metadata (tables, columns, types, product and version come from the node) with
 * what QuorumKV adds: primary keys, which Avatica's protocol has no request for, are asked for with
 * the system procedure {@code CALL QUORUMKV_PRIMARY_KEYS('table pattern')}; the transaction answers
 * say "autocommit only, no transactions".
 */
final class QuorumDatabaseMetaData extends AvaticaDatabaseMetaData {

  /** The server-side procedure that lists primary key columns in JDBC's shape. */
  static final String PRIMARY_KEYS_PROCEDURE = "QUORUMKV_PRIMARY_KEYS";

  private final QuorumConnection connection;

  QuorumDatabaseMetaData(QuorumConnection connection) {
    super(connection);
    this.connection = connection;
  }

  @Override
  public String getURL() throws SQLException {
    return connection.originalUrl();
  }

  @Override
  public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
    String pattern = table == null ? "%" : table;
    Statement statement = connection.createStatement();
    ResultSet rs =
        statement.executeQuery(
            "CALL " + PRIMARY_KEYS_PROCEDURE + "('" + pattern.replace("'", "''") + "')");
    statement.closeOnCompletion();
    return rs;
  }

  @Override
  public boolean supportsTransactions() {
    return false;
  }

  @Override
  public int getDefaultTransactionIsolation() {
    return Connection.TRANSACTION_NONE;
  }

  @Override
  public boolean supportsTransactionIsolationLevel(int level) {
    return level == Connection.TRANSACTION_NONE;
  }

  @Override
  public boolean supportsMultipleTransactions() {
    return false;
  }

  @Override
  public boolean supportsDataDefinitionAndDataManipulationTransactions() {
    return false;
  }

  @Override
  public boolean supportsDataManipulationTransactionsOnly() {
    return false;
  }

  @Override
  public boolean supportsBatchUpdates() {
    return true;
  }

  @Override
  public boolean autoCommitFailureClosesAllResultSets() {
    return false;
  }

  @Override
  public boolean supportsGetGeneratedKeys() {
    return false;
  }
}
