package io.quorumkv.server.sql;

import io.quorumkv.executor.ResultColumn;
import io.quorumkv.planner.schema.ColumnType;
import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.Base64;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;

/**
 * The dialect's types as JDBC and Avatica see them, and conversions of values across the boundary.
 * TIMESTAMP travels as a number of milliseconds (the wall-clock time read as UTC, Calcite's
 * convention); the client shows it in its time zone, so a value reads back as it was written.
 */
final class SqlTypes {

  /** The one schema. */
  static final String SCHEMA = "QUORUMKV";

  private SqlTypes() {}

  /** The {@link java.sql.Types} code. */
  static int jdbcType(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Types.BOOLEAN;
      case INTEGER -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case DOUBLE -> Types.DOUBLE;
      case DECIMAL -> Types.DECIMAL;
      case VARCHAR -> Types.VARCHAR;
      case VARBINARY -> Types.VARBINARY;
      case TIMESTAMP -> Types.TIMESTAMP;
    };
  }

  /** The type's name without length or precision. */
  static String typeName(ColumnType type) {
    return type.kind().name();
  }

  private static Rep rep(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Rep.BOOLEAN;
      case INTEGER -> Rep.INTEGER;
      case BIGINT, TIMESTAMP -> Rep.LONG;
      case DOUBLE -> Rep.DOUBLE;
      case DECIMAL -> Rep.NUMBER;
      case VARCHAR -> Rep.STRING;
      case VARBINARY -> Rep.BYTE_STRING;
    };
  }

  /** The class {@code getObject} returns. */
  static String className(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Boolean.class.getName();
      case INTEGER -> Integer.class.getName();
      case BIGINT -> Long.class.getName();
      case DOUBLE -> Double.class.getName();
      case DECIMAL -> BigDecimal.class.getName();
      case VARCHAR -> String.class.getName();
      case VARBINARY -> byte[].class.getName();
      case TIMESTAMP -> java.sql.Timestamp.class.getName();
    };
  }

  /** JDBC's precision: digits for numbers, length for strings, 0 when unbounded. */
  static int precision(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> 1;
      case INTEGER -> 10;
      case BIGINT -> 19;
      case DOUBLE -> 15;
      case DECIMAL -> type.precision();
      case VARCHAR, VARBINARY -> Math.max(type.precision(), 0);
      case TIMESTAMP -> 23;
    };
  }

  static int scale(ColumnType type) {
    return type.kind() == ColumnType.Kind.DECIMAL ? type.scale() : 0;
  }

  static boolean signed(ColumnType type) {
    return switch (type.kind()) {
      case INTEGER, BIGINT, DOUBLE, DECIMAL -> true;
      default -> false;
    };
  }

  private static int displaySize(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> 5;
      case INTEGER -> 11;
      case BIGINT -> 20;
      case DOUBLE -> 24;
      case DECIMAL -> type.precision() + 2;
      case VARCHAR -> type.precision() > 0 ? type.precision() : 1 << 16;
      case VARBINARY -> type.precision() > 0 ? 2 * type.precision() : 1 << 16;
      case TIMESTAMP -> 23;
    };
  }

  /** A result column's metadata. */
  static ColumnMetaData column(int ordinal, ResultColumn c) {
    ColumnType t = c.type();
    return new ColumnMetaData(
        ordinal,
        false,
        t.kind() == ColumnType.Kind.VARCHAR,
        true,
        false,
        c.nullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
        signed(t),
        displaySize(t),
        c.name(),
        c.name(),
        SCHEMA,
        precision(t),
        scale(t),
        "",
        null,
        ColumnMetaData.scalar(jdbcType(t), typeName(t), rep(t)),
        true,
        false,
        false,
        className(t));
  }

  /**
   * A statement parameter's metadata. Its name is {@code ?N}, with {@code #kS} appended when it
   * gives primary-key column {@code S} (0-based, key order) of a statement on one key: the driver
   * routes such statements by those values (jdbc-driver/README.md, "Routing by key").
   */
  static AvaticaParameter parameter(int index, ColumnType t, int keySlot) {
    return new AvaticaParameter(
        signed(t),
        precision(t),
        scale(t),
        jdbcType(t),
        typeName(t),
        className(t),
        "?" + (index + 1) + (keySlot >= 0 ? "#k" + keySlot : ""));
  }

  /**
   * A parameter value as the executor takes it: numbers, strings, booleans and nulls as they are,
   * bytes as {@code byte[]}, TIMESTAMP as milliseconds.
   */
  static Object parameterValue(TypedValue value) {
    if (value == null || value.value == null) {
      return null;
    }
    if (value.type == Rep.BYTE_STRING && value.value instanceof String base64) {
      // Not value.toLocal(): Avatica's base64 decoder gunzips values that start with the gzip
      // magic. The JDK's (the MIME one tolerates line breaks) returns the bytes as they were.
      return Base64.getMimeDecoder().decode(base64);
    }
    Object local = value.toLocal();
    return switch (value.type) {
      case BYTE_STRING -> ((ByteString) local).getBytes();
      case JAVA_SQL_DATE -> ((Number) local).longValue() * 86_400_000L;
      case PRIMITIVE_CHAR, CHARACTER -> String.valueOf(local);
      default -> local;
    };
  }
}
