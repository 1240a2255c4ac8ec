package io.quorumkv.planner.sql;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * Calcite operators for the functions of {@link QkvFunctions}: those of the {@link FunctionTable}
 * ({@link #of}), and those the translator uses in place of Calcite's built-ins where their
 * semantics differ from ours (a cast truncating to UTF-16 units, a DOUBLE division by zero giving
 * Infinity). Calcite's code generator implements each as a call of the static method. Immutable.
 */
final class QkvOperators {

  private QkvOperators() {}

  /**
   * {@code TRUNCATE(VARCHAR, INTEGER literal n)}: VARCHAR(n), the first n characters; the length
   * must be a literal, as it is part of the result's type.
   */
  static final SqlUserDefinedFunction TRUNCATE =
      function(
          "QKV_TRUNCATE",
          QkvOperators::truncatedType,
          "truncate",
          List.of(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER));

  /** {@code DOUBLE / DOUBLE}: an error (22012) for a zero divisor, null for a null operand. */
  static final SqlUserDefinedFunction DIVIDE_DOUBLE =
      function(
          "QKV_DIVIDE",
          ReturnTypes.DOUBLE_NULLABLE,
          "divide",
          List.of(SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC));

  private static RelDataType truncatedType(org.apache.calcite.sql.SqlOperatorBinding b) {
    RelDataTypeFactory f = b.getTypeFactory();
    RelDataType t =
        f.createSqlType(SqlTypeName.VARCHAR, b.getOperandLiteralValue(1, Integer.class));
    return f.createTypeWithNullability(t, b.getOperandType(0).isNullable());
  }

  /**
   * An operator for a function of the {@link FunctionTable}: named {@code QKV_name}, of the given
   * result type (nullable when an operand is), implemented by the static method.
   */
  static SqlUserDefinedFunction of(String name, RelDataType result, java.lang.reflect.Method m) {
    List<SqlTypeFamily> params =
        java.util.Collections.nCopies(m.getParameterCount(), SqlTypeFamily.ANY);
    return new SqlUserDefinedFunction(
        new SqlIdentifier("QKV_" + name, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION,
        ReturnTypes.explicit(result).andThen(SqlTypeTransforms.TO_NULLABLE),
        null,
        OperandTypes.operandMetadata(
            params,
            f -> params.stream().map(p -> f.createSqlType(SqlTypeName.ANY)).toList(),
            i -> "arg" + i,
            i -> false),
        ScalarFunctionImpl.create(m));
  }

  private static SqlUserDefinedFunction function(
      String name, SqlReturnTypeInference returns, String method, List<SqlTypeFamily> params) {
    return new SqlUserDefinedFunction(
        new SqlIdentifier(name, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION,
        returns,
        null,
        OperandTypes.operandMetadata(
            params,
            f -> params.stream().map(p -> p.getDefaultConcreteType(f)).toList(),
            i -> "arg" + i,
            i -> false),
        ScalarFunctionImpl.create(QkvFunctions.class, method));
  }
}
