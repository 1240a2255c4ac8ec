package io.quorumkv.sqlwire;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * A compact encoding of the hot path: the execution of a prepared statement ({@link
 * Service.ExecuteRequest}) and its answer ({@link Service.ExecuteResponse}), in place of Avatica's
 * protobuf, which cost about half of the CPU of a JDBC point read on both sides (building,
 * serializing and parsing nested protobuf messages and the wrapper naming the message's class).
 *
 * <p>A compact payload starts with the byte {@value #MARKER}, which no protobuf message can start
 * with (field number 0 is invalid), so a node tells the two apart per request and a driver per
 * answer. Only what is common is encoded; {@link #encodeRequest} and {@link #encodeResponse} return
 * null for anything else (a parameter or column value of an unusual type, an answer that carries a
 * signature) and the caller sends protobuf as before. A node answers a compact request compactly
 * when it can, and in protobuf otherwise (always for errors); it answers a protobuf request in
 * protobuf.
 *
 * <p>The decoded objects equal what Avatica's protobuf translation yields for the same request or
 * answer ({@code CompactExecuteTest} checks it value by value), except that the statement handle's
 * signature is reduced to its text, which is all a node reads of it, and a bytes parameter arrives
 * in the client's own base64, as {@code ExactBytesTranslation} on the node makes it.
 *
 * <p>Prepared batches ({@link Service.ExecuteBatchRequest}, {@link Service.ExecuteBatchResponse})
 * travel the same way: their parameters as an execution's, their answer as the update counts.
 *
 * <pre>
 * request  := 0x00 0x01 str(connectionId) i32(statementId) str(sql) i32(columns fingerprint)
 *             i32(maxRowCount)
 *             i32(count) param*            (count -1: no parameter list)
 * param    := u8(0xff)                     (not set: Avatica's implicit null)
 *           | u8(Common.Rep number) u8(0)  (null value)
 *           | u8(Common.Rep number) u8(1) value-by-rep
 * response := 0x00 0x02 bool(missingStatement) str(serverAddress) i32(count) result*
 * result   := str(connectionId) i32(statementId) bool(ownStatement) i64(updateCount)
 *             bool(hasFrame) [i64(offset) bool(done) i32(rows) (i32(columns) cell*)*]
 * cell     := u8(tag) value-by-tag          (tags: see {@code Cell})
 * batch    := 0x00 0x03 str(connectionId) i32(statementId) i32(entries) (i32(count) param*)*
 * counts   := 0x00 0x04 str(connectionId) i32(statementId) bool(missingStatement)
 *             str(serverAddress) i32(n, -1 null) i64*
 * str      := i32(utf-8 length, -1 null) bytes
 * </pre>
 *
 * Big-endian throughout. Stateless; thread-safe.
 */
public final class CompactExecute {

  /** The first byte of every compact payload. */
  public static final byte MARKER = 0;

  /**
   * Key of the statement handle signature's internal parameters under which the driver puts the
   * {@link #fingerprint} of its prepared result columns. It travels in compact executions, so a
   * node that prepares the statement again (after a failover, or when statements are routed by key)
   * can tell whether the client already has the signature and leave it out of the answer.
   */
  public static final String COLUMNS_FINGERPRINT = "quorumkv.columns";

  private static final int EXECUTE_REQUEST = 1;
  private static final int EXECUTE_RESPONSE = 2;
  private static final int BATCH_REQUEST = 3;
  private static final int BATCH_RESPONSE = 4;
  private static final int NOT_SET = 0xff;

  /** Column value tags of answers. */
  private static final class Cell {
    static final int NULL = 0;
    static final int BOOLEAN = 1;
    static final int BYTE = 2;
    static final int SHORT = 3;
    static final int INTEGER = 4;
    static final int LONG = 5;
    static final int FLOAT = 6;
    static final int DOUBLE = 7;
    static final int DECIMAL = 8;
    static final int STRING = 9;
    static final int CHARACTER = 10;
    static final int BYTES = 11;
  }

  private CompactExecute() {}

  /** Whether {@code payload} is in this encoding (else it is protobuf). */
  public static boolean isCompact(byte[] payload) {
    return payload.length > 0 && payload[0] == MARKER;
  }

  /** Whether {@code payload} is a compact execution request (not a batch). */
  public static boolean isExecuteRequest(byte[] payload) {
    return payload.length > 1 && payload[0] == MARKER && payload[1] == EXECUTE_REQUEST;
  }

  // ---------------------------------------------------------------------------------- requests

  /**
   * The request in the compact encoding, or null when it is not an execution or a batch or has
   * something this encoding lacks.
   */
  public static byte[] encodeRequest(Service.Request request) {
    if (request instanceof Service.ExecuteRequest x) {
      return encodeRequest(x);
    }
    if (request instanceof Service.ExecuteBatchRequest x) {
      return encodeBatch(x);
    }
    return null;
  }

  /** A batch: the parameter values of each entry. */
  private static byte[] encodeBatch(Service.ExecuteBatchRequest request) {
    List<List<TypedValue>> batches = request.parameterValues;
    if (batches == null || request.connectionId == null) {
      return null; // Avatica's own form (protobuf update batches) or nothing to say.
    }
    WireBuffer out = new WireBuffer(64 + 32 * batches.size());
    out.u8(MARKER).u8(BATCH_REQUEST).string(request.connectionId).i32(request.statementId);
    out.i32(batches.size());
    for (List<TypedValue> entry : batches) {
      if (entry == null) {
        return null;
      }
      out.i32(entry.size());
      for (TypedValue v : entry) {
        if (!writeParameter(out, v)) {
          return null;
        }
      }
    }
    return out.toByteArray();
  }

  /** An execution in the compact encoding, or null when it has something this encoding lacks. */
  public static byte[] encodeRequest(Service.ExecuteRequest request) {
    Meta.StatementHandle h = request.statementHandle;
    if (h == null) {
      return null;
    }
    String sql = h.signature == null ? null : h.signature.sql;
    WireBuffer out = new WireBuffer(64 + (sql == null ? 0 : sql.length()));
    out.u8(MARKER).u8(EXECUTE_REQUEST).string(h.connectionId).i32(h.id).string(sql);
    out.i32(fingerprintIn(h.signature)).i32(request.maxRowCount);
    List<TypedValue> params = request.parameterValues;
    if (params == null) {
      out.i32(-1);
    } else {
      out.i32(params.size());
      for (TypedValue v : params) {
        if (!writeParameter(out, v)) {
          return null;
        }
      }
    }
    return out.toByteArray();
  }

  /**
   * Writes one parameter as Avatica's {@code TypedValue.toProto} would carry it (by its protobuf
   * type), or returns false when the protobuf form is needed (or Avatica's own would fail).
   */
  private static boolean writeParameter(WireBuffer out, TypedValue v) {
    if (v == null) {
      out.u8(NOT_SET);
      return true;
    }
    Object o = v.value;
    Common.Rep proto = protoRep(v.type, o);
    if (proto == null) {
      return false;
    }
    if (o == null) {
      if (proto != Common.Rep.OBJECT) {
        return false;
      }
      out.u8(proto.getNumber()).u8(0);
      return true;
    }
    int start = out.mark();
    out.u8(proto.getNumber()).u8(1);
    boolean written =
        switch (proto) {
          case BOOLEAN, PRIMITIVE_BOOLEAN -> o instanceof Boolean b && put(out.bool(b));
          case STRING -> o instanceof String s && put(out.string(s));
          case BYTE_STRING ->
              o instanceof String s
                  ? put(out.string(s))
                  : o instanceof byte[] b && put(out.string(Base64.getEncoder().encodeToString(b)));
          case BYTE, PRIMITIVE_BYTE -> o instanceof Byte b && put(out.i64(b));
          case SHORT, PRIMITIVE_SHORT -> o instanceof Short s && put(out.i64(s));
          case INTEGER, PRIMITIVE_INT, JAVA_SQL_DATE, JAVA_SQL_TIME ->
              o instanceof Integer i && put(out.i64(i));
          case LONG, PRIMITIVE_LONG, JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE ->
              o instanceof Long l && put(out.i64(l));
          case NUMBER -> o instanceof Number n && put(out.i64(n.longValue()));
          case DOUBLE, PRIMITIVE_DOUBLE ->
              o instanceof Double d && put(out.i64(Double.doubleToRawLongBits(d)));
          case FLOAT, PRIMITIVE_FLOAT ->
              o instanceof Float f && put(out.i32(Float.floatToRawIntBits(f)));
          case BIG_DECIMAL -> o instanceof BigDecimal d && put(out.string(d.toString()));
          default -> false;
        };
    if (!written) {
      out.reset(start);
    }
    return written;
  }

  /** The protobuf type Avatica would send {@code value} of type {@code rep} as, or null. */
  private static Common.Rep protoRep(Rep rep, Object value) {
    if (rep == null) {
      return null;
    }
    return switch (rep) {
      case NUMBER -> value instanceof BigDecimal ? Common.Rep.BIG_DECIMAL : Common.Rep.NUMBER;
      case PRIMITIVE_BOOLEAN,
          PRIMITIVE_BYTE,
          PRIMITIVE_SHORT,
          PRIMITIVE_INT,
          PRIMITIVE_LONG,
          PRIMITIVE_FLOAT,
          PRIMITIVE_DOUBLE,
          BOOLEAN,
          BYTE,
          SHORT,
          INTEGER,
          LONG,
          FLOAT,
          DOUBLE,
          JAVA_SQL_TIME,
          JAVA_SQL_TIMESTAMP,
          JAVA_SQL_DATE,
          JAVA_UTIL_DATE,
          BYTE_STRING,
          STRING,
          OBJECT ->
          rep.toProto();
      default -> null;
    };
  }

  private static boolean put(WireBuffer ignored) {
    return true;
  }

  /**
   * Decodes a compact request: an execution or a batch.
   *
   * @throws MalformedMessageException when it is not one
   */
  public static Service.Request decodeRequest(byte[] payload) throws MalformedMessageException {
    if (payload.length > 1 && payload[0] == MARKER && payload[1] == BATCH_REQUEST) {
      return decodeBatch(payload);
    }
    return decodeExecute(payload);
  }

  private static Service.ExecuteBatchRequest decodeBatch(byte[] payload)
      throws MalformedMessageException {
    WireReader in = new WireReader(payload, 0);
    expectHeader(in, BATCH_REQUEST);
    String connectionId = nonNull(in.string(), "connection id");
    int statementId = in.i32();
    int count = in.count(4);
    List<List<TypedValue>> batches = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      int size = in.count(1);
      List<TypedValue> entry = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        entry.add(readParameter(in));
      }
      batches.add(entry);
    }
    in.end();
    return new Service.ExecuteBatchRequest(connectionId, statementId, batches);
  }

  /**
   * Decodes a compact execution.
   *
   * @throws MalformedMessageException when it is not one
   */
  public static Service.ExecuteRequest decodeExecute(byte[] payload)
      throws MalformedMessageException {
    WireReader in = new WireReader(payload, 0);
    expectHeader(in, EXECUTE_REQUEST);
    String connectionId = in.string();
    int statementId = in.i32();
    String sql = in.string();
    int fingerprint = in.i32();
    int maxRowCount = in.i32();
    int count = in.i32();
    List<TypedValue> params = null;
    if (count != -1) {
      if (count < 0 || count > payload.length) {
        throw new MalformedMessageException("bad parameter count " + count);
      }
      params = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        params.add(readParameter(in));
      }
    }
    in.end();
    if (connectionId == null) {
      throw new MalformedMessageException("execution without a connection id");
    }
    Map<String, Object> internal =
        fingerprint == 0 ? Map.of() : Map.of(COLUMNS_FINGERPRINT, fingerprint);
    Meta.Signature signature =
        sql == null ? null : new Meta.Signature(List.of(), sql, List.of(), internal, null, null);
    return new Service.ExecuteRequest(
        new Meta.StatementHandle(connectionId, statementId, signature), params, maxRowCount);
  }

  /** As Avatica's {@code TypedValue.fromProto} would make it from the protobuf form. */
  private static TypedValue readParameter(WireReader in) throws MalformedMessageException {
    int number = in.u8();
    if (number == NOT_SET) {
      return null;
    }
    Common.Rep proto = Common.Rep.forNumber(number);
    if (proto == null) {
      throw new MalformedMessageException("unknown parameter type " + number);
    }
    Rep rep = Rep.fromProto(proto);
    if (!in.bool()) {
      if (proto != Common.Rep.OBJECT) {
        throw new MalformedMessageException("null value of type " + proto);
      }
      return TypedValue.ofSerial(rep, null);
    }
    Object value =
        switch (proto) {
          case BOOLEAN, PRIMITIVE_BOOLEAN -> in.bool();
          case STRING, BYTE_STRING -> nonNull(in.string(), proto);
          case BYTE, PRIMITIVE_BYTE -> (byte) in.i64();
          case SHORT, PRIMITIVE_SHORT -> (short) in.i64();
          case INTEGER, PRIMITIVE_INT, JAVA_SQL_DATE, JAVA_SQL_TIME -> (int) in.i64();
          case LONG, PRIMITIVE_LONG, JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE, NUMBER -> in.i64();
          case DOUBLE, PRIMITIVE_DOUBLE -> Double.longBitsToDouble(in.i64());
          case FLOAT, PRIMITIVE_FLOAT -> Float.intBitsToFloat(in.i32());
          case BIG_DECIMAL -> decimal(in.string());
          default -> throw new MalformedMessageException("parameter of type " + proto);
        };
    return TypedValue.ofSerial(rep, value);
  }

  /**
   * A hash of the result columns as the client sees them (name, label, SQL type, precision, scale,
   * nullability; not the Java representation, which Avatica's client adjusts), never 0.
   */
  public static int fingerprint(List<ColumnMetaData> columns) {
    int h = 1;
    for (ColumnMetaData c : columns) {
      h =
          31 * h
              + Objects.hash(
                  c.columnName, c.label, c.type.id, c.type.name, c.precision, c.scale, c.nullable);
    }
    return h == 0 ? 1 : h;
  }

  /** The fingerprint the driver put in a handle's signature, or 0. */
  private static int fingerprintIn(Meta.Signature signature) {
    if (signature == null || signature.internalParameters == null) {
      return 0;
    }
    return signature.internalParameters.get(COLUMNS_FINGERPRINT) instanceof Integer i ? i : 0;
  }

  /** The fingerprint a decoded execution carries, or 0. */
  public static int fingerprintOf(Meta.StatementHandle handle) {
    return handle == null ? 0 : fingerprintIn(handle.signature);
  }

  /**
   * The statement text of a compact request, or null when it has none or is not one (never throws:
   * used to decide whether a request may be sent again).
   */
  public static String sqlOf(byte[] payload) {
    try {
      WireReader in = new WireReader(payload, 0);
      expectHeader(in, EXECUTE_REQUEST);
      in.string();
      in.i32();
      return in.string();
    } catch (MalformedMessageException e) {
      return null;
    }
  }

  // --------------------------------------------------------------------------------- responses

  /**
   * The answer in the compact encoding, or null when it is not the answer to an execution or a
   * batch or has something this encoding lacks.
   */
  public static byte[] encodeResponse(Service.Response response) {
    if (response instanceof Service.ExecuteResponse x) {
      return encodeResponse(x);
    }
    if (response instanceof Service.ExecuteBatchResponse x) {
      WireBuffer out =
          new WireBuffer(64 + 8 * (x.updateCounts == null ? 0 : x.updateCounts.length));
      out.u8(MARKER).u8(BATCH_RESPONSE).string(x.connectionId).i32(x.statementId);
      out.bool(x.missingStatement);
      out.string(x.rpcMetadata == null ? null : x.rpcMetadata.serverAddress);
      if (x.updateCounts == null) {
        out.i32(-1);
      } else {
        out.i32(x.updateCounts.length);
        for (long c : x.updateCounts) {
          out.i64(c);
        }
      }
      return out.toByteArray();
    }
    return null;
  }

  /** An execution's answer in the compact encoding, or null when it does not fit it. */
  public static byte[] encodeResponse(Service.ExecuteResponse response) {
    WireBuffer out = new WireBuffer(128);
    out.u8(MARKER).u8(EXECUTE_RESPONSE).bool(response.missingStatement);
    out.string(response.rpcMetadata == null ? null : response.rpcMetadata.serverAddress);
    List<Service.ResultSetResponse> results = response.results;
    if (results == null) {
      out.i32(-1);
      return out.toByteArray();
    }
    out.i32(results.size());
    for (Service.ResultSetResponse r : results) {
      if (r.signature != null) {
        return null;
      }
      out.string(r.connectionId).i32(r.statementId).bool(r.ownStatement).i64(r.updateCount);
      Meta.Frame frame = r.firstFrame;
      out.bool(frame != null);
      if (frame != null && !writeFrame(out, frame)) {
        return null;
      }
    }
    return out.toByteArray();
  }

  private static boolean writeFrame(WireBuffer out, Meta.Frame frame) {
    out.i64(frame.offset).bool(frame.done);
    int countAt = out.mark();
    out.i32(0);
    int rows = 0;
    for (Object row : frame.rows) {
      if (row == null) {
        continue; // As Frame.toProto: a null row is not sent.
      }
      if (row instanceof Object[] cells) {
        out.i32(cells.length);
        for (Object cell : cells) {
          if (!writeCell(out, cell)) {
            return false;
          }
        }
      } else if (row instanceof List<?> cells) {
        out.i32(cells.size());
        for (Object cell : cells) {
          if (!writeCell(out, cell)) {
            return false;
          }
        }
      } else {
        return false;
      }
      rows++;
    }
    out.putI32At(countAt, rows);
    return true;
  }

  /** One column value, typed by its class as Avatica's {@code TypedValue.toProto} types it. */
  private static boolean writeCell(WireBuffer out, Object o) {
    if (o == null) {
      out.u8(Cell.NULL);
    } else if (o instanceof Boolean b) {
      out.u8(Cell.BOOLEAN).bool(b);
    } else if (o instanceof Byte b) {
      out.u8(Cell.BYTE).u8(b);
    } else if (o instanceof Short s) {
      out.u8(Cell.SHORT).i32(s);
    } else if (o instanceof Integer i) {
      out.u8(Cell.INTEGER).i32(i);
    } else if (o instanceof Long l) {
      out.u8(Cell.LONG).i64(l);
    } else if (o instanceof Float f) {
      out.u8(Cell.FLOAT).i32(Float.floatToRawIntBits(f));
    } else if (o instanceof Double d) {
      out.u8(Cell.DOUBLE).i64(Double.doubleToRawLongBits(d));
    } else if (o instanceof BigDecimal d) {
      out.u8(Cell.DECIMAL).string(d.toString());
    } else if (o instanceof String s) {
      out.u8(Cell.STRING).string(s);
    } else if (o instanceof Character c) {
      out.u8(Cell.CHARACTER).i32(c);
    } else if (o instanceof byte[] b) {
      out.u8(Cell.BYTES).bytes(b);
    } else {
      return false;
    }
    return true;
  }

  /**
   * Decodes a compact answer: to an execution or to a batch.
   *
   * @throws MalformedMessageException when it is not one
   */
  public static Service.Response decodeResponse(byte[] payload) throws MalformedMessageException {
    if (payload.length > 1 && payload[0] == MARKER && payload[1] == BATCH_RESPONSE) {
      WireReader in = new WireReader(payload, 0);
      expectHeader(in, BATCH_RESPONSE);
      String connectionId = in.string();
      int statementId = in.i32();
      boolean missingStatement = in.bool();
      String serverAddress = in.string();
      int count = in.i32();
      long[] counts = null;
      if (count != -1) {
        if (count < 0 || (long) count * 8 > payload.length) {
          throw new MalformedMessageException("bad update count total " + count);
        }
        counts = new long[count];
        for (int i = 0; i < count; i++) {
          counts[i] = in.i64();
        }
      }
      in.end();
      return new Service.ExecuteBatchResponse(
          connectionId,
          statementId,
          counts,
          missingStatement,
          serverAddress == null ? null : new Service.RpcMetadataResponse(serverAddress));
    }
    return decodeExecuteResponse(payload);
  }

  /**
   * Decodes a compact answer to an execution.
   *
   * @throws MalformedMessageException when it is not one
   */
  public static Service.ExecuteResponse decodeExecuteResponse(byte[] payload)
      throws MalformedMessageException {
    WireReader in = new WireReader(payload, 0);
    expectHeader(in, EXECUTE_RESPONSE);
    boolean missingStatement = in.bool();
    String serverAddress = in.string();
    Service.RpcMetadataResponse rpc =
        serverAddress == null ? null : new Service.RpcMetadataResponse(serverAddress);
    int count = in.i32();
    List<Service.ResultSetResponse> results = null;
    if (count != -1) {
      if (count < 0 || count > payload.length) {
        throw new MalformedMessageException("bad result count " + count);
      }
      results = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String connectionId = in.string();
        int statementId = in.i32();
        boolean ownStatement = in.bool();
        long updateCount = in.i64();
        Meta.Frame frame = in.bool() ? readFrame(in) : null;
        results.add(
            new Service.ResultSetResponse(
                connectionId, statementId, ownStatement, null, frame, updateCount, rpc));
      }
    }
    in.end();
    return new Service.ExecuteResponse(results, missingStatement, rpc);
  }

  private static Meta.Frame readFrame(WireReader in) throws MalformedMessageException {
    long offset = in.i64();
    boolean done = in.bool();
    int rowCount = in.count(4);
    List<Object> rows = new ArrayList<>(rowCount);
    for (int r = 0; r < rowCount; r++) {
      int columns = in.count(1);
      List<Object> row = new ArrayList<>(columns);
      for (int c = 0; c < columns; c++) {
        row.add(readCell(in));
      }
      rows.add(row);
    }
    return new Meta.Frame(offset, done, rows);
  }

  private static Object readCell(WireReader in) throws MalformedMessageException {
    int tag = in.u8();
    return switch (tag) {
      case Cell.NULL -> null;
      case Cell.BOOLEAN -> in.bool();
      case Cell.BYTE -> (byte) in.u8();
      case Cell.SHORT -> (short) in.i32();
      case Cell.INTEGER -> in.i32();
      case Cell.LONG -> in.i64();
      case Cell.FLOAT -> Float.intBitsToFloat(in.i32());
      case Cell.DOUBLE -> Double.longBitsToDouble(in.i64());
      case Cell.DECIMAL -> decimal(in.string());
      case Cell.STRING -> nonNull(in.string(), "string cell");
      case Cell.CHARACTER -> (char) in.i32();
      case Cell.BYTES -> in.bytes();
      default -> throw new MalformedMessageException("unknown column value tag " + tag);
    };
  }

  // ----------------------------------------------------------------------------------- shared

  private static void expectHeader(WireReader in, int kind) throws MalformedMessageException {
    int marker = in.u8();
    int actual = in.u8();
    if (marker != MARKER || actual != kind) {
      throw new MalformedMessageException(
          "not a compact message of kind " + kind + " (starts " + marker + ", " + actual + ")");
    }
  }

  private static <T> T nonNull(T value, Object what) throws MalformedMessageException {
    if (value == null) {
      throw new MalformedMessageException("null " + what);
    }
    return value;
  }

  private static BigDecimal decimal(String s) throws MalformedMessageException {
    try {
      return new BigDecimal(nonNull(s, "decimal"));
    } catch (NumberFormatException e) {
      throw new MalformedMessageException("bad decimal '" + s + "'");
    }
  }
}
