package io.quorumkv.jdbc.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.quorumkv.sqlwire.CompactExecute;
import java.util.Locale;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;

/**
 * Decides whether a serialized Avatica request may be sent again after the connection broke while
 * it was in flight. Everything that reads or only touches the session (metadata, prepare, fetch,
 * statement and connection bookkeeping) may; a statement execution may only if its text is known
 * here and is a read ({@code SELECT}, {@code SHOW}, {@code DESCRIBE}, {@code EXPLAIN}). Anything
 * else (writes, DDL, batches, an execution whose text the request does not carry) may have been
 * applied, so its outcome is unknown and it is never re-sent.
 */
final class RequestSafety {

  private static final String PREFIX = Requests.class.getName() + "$";

  private RequestSafety() {}

  /** Whether re-sending {@code request} after a broken connection cannot apply a write twice. */
  static boolean retrySafe(byte[] request) {
    if (CompactExecute.isCompact(request)) {
      return CompactExecute.isExecuteRequest(request) && isRead(CompactExecute.sqlOf(request));
    }
    Common.WireMessage wire;
    try {
      wire = Common.WireMessage.parseFrom(request);
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
    String name = wire.getName();
    String simple = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    try {
      return switch (simple) {
        case "PrepareAndExecuteRequest" ->
            isRead(Requests.PrepareAndExecuteRequest.parseFrom(wire.getWrappedMessage()).getSql());
        case "ExecuteRequest" -> {
          Requests.ExecuteRequest execute =
              Requests.ExecuteRequest.parseFrom(wire.getWrappedMessage());
          yield execute.hasStatementHandle()
              && execute.getStatementHandle().hasSignature()
              && isRead(execute.getStatementHandle().getSignature().getSql());
        }
        case "ExecuteBatchRequest", "PrepareAndExecuteBatchRequest", "CommitRequest" -> false;
        default -> true;
      };
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Whether {@code request} is an Avatica {@code CloseConnectionRequest}. */
  static boolean closesConnection(byte[] request) {
    if (CompactExecute.isCompact(request)) {
      return false;
    }
    try {
      return Common.WireMessage.parseFrom(request).getName().endsWith("$CloseConnectionRequest");
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Whether the statement's first keyword makes it a read. */
  static boolean isRead(String sql) {
    String first = firstKeyword(sql);
    return switch (first) {
      case "SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN" -> true;
      default -> false;
    };
  }

  /** The first word of {@code sql} in upper case, skipping blanks and comments; "" if none. */
  static String firstKeyword(String sql) {
    if (sql == null) {
      return "";
    }
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }
}
