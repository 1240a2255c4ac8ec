package io.quorumkv.planner.sql;

import io.quorumkv.planner.schema.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/** Maps between {@link ColumnType}s and values and Calcite's types and internal values. */
public final class SqlTypes {

  /** Calcite's default type system, with DECIMAL precision up to 38 as ours. */
  public static final RelDataTypeSystem TYPE_SYSTEM =
      new RelDataTypeSystemImpl() {
        @Override
        public int getMaxPrecision(SqlTypeName typeName) {
          return typeName == SqlTypeName.DECIMAL
              ? ColumnType.MAX_DECIMAL_PRECISION
              : super.getMaxPrecision(typeName);
        }

        @Override
        public int getMaxScale(SqlTypeName typeName) {
          return typeName == SqlTypeName.DECIMAL
              ? ColumnType.MAX_DECIMAL_PRECISION
              : super.getMaxScale(typeName);
        }
      };

  private SqlTypes() {}

  /** The Calcite type of a column type. */
  public static RelDataType relType(RelDataTypeFactory f, ColumnType t, boolean nullable) {
    RelDataType type =
        switch (t.kind()) {
          case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
          case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
          case BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
          case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
          case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale());
          case VARCHAR ->
              t.precision() < 0
                  ? f.createSqlType(SqlTypeName.VARCHAR)
                  : f.createSqlType(SqlTypeName.VARCHAR, t.precision());
          case VARBINARY ->
              t.precision() < 0
                  ? f.createSqlType(SqlTypeName.VARBINARY)
                  : f.createSqlType(SqlTypeName.VARBINARY, t.precision());
          case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
        };
    return f.createTypeWithNullability(type, nullable);
  }

  /**
   * The column type closest to a Calcite type, for result columns and parameters.
   *
   * @throws IllegalArgumentException for a type the dialect does not have
   */
  public static ColumnType columnType(RelDataType t) {
    return switch (t.getSqlTypeName()) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case TINYINT, SMALLINT, INTEGER -> ColumnType.INTEGER;
      case BIGINT -> ColumnType.BIGINT;
      case FLOAT, REAL, DOUBLE -> ColumnType.DOUBLE;
      case DECIMAL ->
          ColumnType.decimal(
              Math.min(Math.max(t.getPrecision(), 1), ColumnType.MAX_DECIMAL_PRECISION),
              Math.max(0, Math.min(t.getScale(), Math.max(t.getPrecision(), 1))));
      case CHAR, VARCHAR ->
          t.getPrecision() > 0 && t.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED
              ? ColumnType.varchar(t.getPrecision())
              : ColumnType.varchar(-1);
      case BINARY, VARBINARY ->
          t.getPrecision() > 0 && t.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED
              ? ColumnType.varbinary(t.getPrecision())
              : ColumnType.VARBINARY;
      case TIMESTAMP -> ColumnType.TIMESTAMP;
      case NULL -> ColumnType.varchar(-1);
      default -> throw new IllegalArgumentException("unsupported type " + t);
    };
  }

  /** A canonical value as Calcite's generated code expects it. */
  public static Object internal(Object canonical) {
    return canonical instanceof byte[] b ? new ByteString(b) : canonical;
  }

  /** A value from Calcite's generated code as the canonical value of {@code type}. */
  public static Object canonical(Object v, ColumnType type) {
    if (v == null) {
      return null;
    }
    if (v instanceof ByteString b) {
      return b.getBytes();
    }
    return switch (type.kind()) {
      case INTEGER -> v instanceof Number n ? (Object) n.intValue() : v;
      case BIGINT, TIMESTAMP -> v instanceof Number n ? (Object) n.longValue() : v;
      case DOUBLE -> v instanceof Number n ? (Object) n.doubleValue() : v;
      case DECIMAL -> {
        BigDecimal d =
            v instanceof BigDecimal x
                ? x
                : v instanceof Double x
                    ? BigDecimal.valueOf(x)
                    : BigDecimal.valueOf(((Number) v).longValue());
        yield d.scale() == type.scale() ? d : d.setScale(type.scale(), RoundingMode.HALF_UP);
      }
      case VARCHAR -> v.toString();
      default -> v;
    };
  }
}
