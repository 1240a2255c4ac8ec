package io.quorumkv.jdbc;

import io.quorumkv.sqlwire.CompactExecute;
import java.io.InputStream;
import java.io.Reader;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's prepared statement with the query timeout applied to the request, the {@code applied}
 * outcome of conditional statements reported as the update count of {@code executeUpdate}, and the
 * statement's signature sent with every execution, so that a node the connection failed over to can
 * prepare it again. Not thread-safe, as JDBC statements.
 */
final class QuorumPreparedStatement extends AvaticaPreparedStatement {

  QuorumPreparedStatement(
      AvaticaConnection connection,
      Meta.StatementHandle h,
      Meta.Signature signature,
      int resultSetType,
      int resultSetConcurrency,
      int resultSetHoldability)
      throws SQLException {
    super(connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
    // Avatica sends the handle, signature included, with every execution; the node needs only
    // the text (to prepare it again after a failover; the parameter values carry their types).
    // Without the result columns and the parameters' metadata the request is smaller and the node
    // does not parse metadata it would ignore. The statement keeps the full signature
    // (getSignature) for its result sets and parameter metadata.
    this.routingParameters = routingParameters(signature);
    if (signature != null && (!signature.columns.isEmpty() || !signature.parameters.isEmpty())) {
      h.signature =
          new Meta.Signature(
              List.of(),
              signature.sql,
              List.of(),
              // Lets a node that prepares the statement again leave the signature out of answers.
              Map.of(
                  CompactExecute.COLUMNS_FINGERPRINT,
                  CompactExecute.fingerprint(signature.columns)),
              signature.cursorFactory,
              signature.statementType);
    }
  }

  /**
   * For each primary-key column in key order, the parameter (0-based) that gives it, when the node
   * said this is a statement on one key (parameter names ending in {@code #kS}); else null.
   */
  private final int[] routingParameters;

  /** The prepared signature, for results the node sent without one. */
  Meta.Signature resultSignature() {
    return getSignature();
  }

  /** The key parameters named by the node ({@code ?N#kS}), in key order; null if incomplete. */
  static int[] routingParameters(Meta.Signature signature) {
    if (signature == null || signature.parameters == null) {
      return null;
    }
    List<AvaticaParameter> params = signature.parameters;
    int[] bySlot = new int[params.size()];
    Arrays.fill(bySlot, -1);
    int slots = 0;
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).name;
      int at = name == null ? -1 : name.indexOf("#k");
      if (at < 0) {
        continue;
      }
      int slot;
      try {
        slot = Integer.parseInt(name.substring(at + 2));
      } catch (NumberFormatException e) {
        return null;
      }
      if (slot < 0 || slot >= params.size() || bySlot[slot] >= 0) {
        return null;
      }
      bySlot[slot] = i;
      slots = Math.max(slots, slot + 1);
    }
    for (int s = 0; s < slots; s++) {
      if (bySlot[s] < 0) {
        return null;
      }
    }
    return slots == 0 ? null : Arrays.copyOf(bySlot, slots);
  }

  /**
   * The route of this execution: a hash of the bound key values, the same in every JVM for the same
   * values (Java's specified hash codes of the values' serial forms), or null when the statement is
   * not on one key or a key value is not set.
   */
  private Integer route() {
    if (routingParameters == null) {
      return null;
    }
    int h = 1;
    for (int p : routingParameters) {
      TypedValue v = slots[p];
      if (v == null || v.value == null) {
        return null;
      }
      h = 31 * h + v.value.hashCode();
    }
    return h;
  }

  private QuorumConnection quorumConnection() {
    return (QuorumConnection) connection;
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    return QuorumConnection.withQueryTimeout(
        getQueryTimeout(), () -> QuorumConnection.routed(route(), super::executeQuery));
  }

  @Override
  public boolean execute() throws SQLException {
    return QuorumConnection.withQueryTimeout(
        getQueryTimeout(), () -> QuorumConnection.routed(route(), super::execute));
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    checkOpen();
    return QuorumConnection.withQueryTimeout(
        getQueryTimeout(),
        () -> {
          updateCount = -1;
          QuorumConnection.routed(
              route(), () -> quorumConnection().executePrepared(this, getSignature()));
          if (updateCount == -1 && openResultSet != null) {
            updateCount = Applied.count(openResultSet);
            openResultSet = null;
          }
          return updateCount;
        });
  }

  /** The parameter values added with {@code addBatch}, for the connection to send in chunks. */
  List<List<TypedValue>> batch() {
    return getParameterValueBatch();
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return QuorumConnection.withQueryTimeout(getQueryTimeout(), super::executeLargeBatch);
  }

  // JDBC 4.x setters Avatica's base class leaves to the factory's subclass.

  @Override
  public void setRowId(int parameterIndex, RowId x) throws SQLException {
    getSite(parameterIndex).setRowId(x);
  }

  @Override
  public void setNString(int parameterIndex, String value) throws SQLException {
    getSite(parameterIndex).setNString(value);
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value, long length)
      throws SQLException {
    getSite(parameterIndex).setNCharacterStream(value, length);
  }

  @Override
  public void setNClob(int parameterIndex, NClob value) throws SQLException {
    getSite(parameterIndex).setNClob(value);
  }

  @Override
  public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    getSite(parameterIndex).setClob(reader, length);
  }

  @Override
  public void setBlob(int parameterIndex, InputStream inputStream, long length)
      throws SQLException {
    getSite(parameterIndex).setBlob(inputStream, length);
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    getSite(parameterIndex).setNClob(reader, length);
  }

  @Override
  public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
    getSite(parameterIndex).setSQLXML(xmlObject);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
    getSite(parameterIndex).setAsciiStream(x, length);
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
    getSite(parameterIndex).setBinaryStream(x, length);
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader, long length)
      throws SQLException {
    getSite(parameterIndex).setCharacterStream(reader, length);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
    getSite(parameterIndex).setAsciiStream(x);
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
    getSite(parameterIndex).setBinaryStream(x);
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
    getSite(parameterIndex).setCharacterStream(reader);
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    getSite(parameterIndex).setNCharacterStream(value);
  }

  @Override
  public void setClob(int parameterIndex, Reader reader) throws SQLException {
    getSite(parameterIndex).setClob(reader);
  }

  @Override
  public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
    getSite(parameterIndex).setBlob(inputStream);
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    getSite(parameterIndex).setNClob(reader);
  }
}
