package io.quorumkv.server.sql;

import java.util.Collections;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;

/**
 * A prepared statement's signature that builds its protobuf form once: Avatica sends the signature
 * with every execution's result, and building it anew (a message per column and parameter) was a
 * visible share of a point read's server CPU. Protobuf messages are immutable, so the one built is
 * safe to share between threads.
 */
final class CachedSignature extends Meta.Signature {

  private volatile Common.Signature proto;

  /**
   * Whether the client holds this very signature: it prepared the statement here and got it in the
   * prepare response. Then a client that says it can (see {@link QuorumMeta#PROTOCOL}) is sent
   * execution results without it. False for a statement prepared again after a failover or to
   * re-create a cursor, whose signature the client got from another node.
   */
  final boolean clientHasIt;

  CachedSignature(
      boolean clientHasIt,
      List<ColumnMetaData> columns,
      String sql,
      List<AvaticaParameter> parameters,
      Meta.CursorFactory cursorFactory,
      Meta.StatementType statementType) {
    super(columns, sql, parameters, Collections.emptyMap(), cursorFactory, statementType);
    this.clientHasIt = clientHasIt;
  }

  @Override
  public Common.Signature toProto() {
    Common.Signature p = proto;
    if (p == null) {
      p = super.toProto();
      proto = p;
    }
    return p;
  }
}
