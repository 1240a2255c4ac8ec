package io.quorumkv.planner;

import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.ValueException;
import java.util.Arrays;
import java.util.List;

/**
 * The types of a statement's {@code ?} parameters, inferred from where each one is used ({@code id
 * = ?} gives {@code ?} the type of {@code id}; {@code CAST(? AS T)} gives it {@code T}). Filled in
 * while a statement is planned, then read-only.
 *
 * <p>Not thread-safe while being filled; safe to share once {@link #complete} has returned.
 */
public final class ParameterTypes {

  private ColumnType[] types = new ColumnType[0];
  private SourcePos[] positions = new SourcePos[0];

  /** Empty: the count grows with the highest parameter seen. */
  public ParameterTypes() {}

  /** The number of parameters: the highest index seen. */
  public int count() {
    return types.length;
  }

  private void grow(int index) {
    if (index > types.length) {
      types = Arrays.copyOf(types, index);
      positions = Arrays.copyOf(positions, index);
    }
  }

  /**
   * Records where parameter {@code index} (1-based) was seen, for the error if it stays untyped.
   */
  public void seen(int index, SourcePos pos) {
    grow(index);
    if (positions[index - 1] == null) {
      positions[index - 1] = pos;
    }
  }

  /** Gives parameter {@code index} (1-based) a type unless it has one. */
  public void infer(int index, ColumnType type) {
    grow(index);
    if (types[index - 1] == null) {
      types[index - 1] = type;
    }
  }

  /** The type of parameter {@code index} (1-based), or null if not yet known. */
  public ColumnType type(int index) {
    return index <= types.length ? types[index - 1] : null;
  }

  /**
   * The inferred types in parameter order.
   *
   * @throws QueryException if some parameter's type could not be inferred
   */
  public List<ColumnType> complete() {
    for (int i = 0; i < types.length; i++) {
      if (types[i] == null) {
        SourcePos pos = positions[i] == null ? new SourcePos(1, 1) : positions[i];
        throw QueryException.at(
            pos,
            QueryException.INDETERMINATE_DATATYPE,
            "cannot infer the type of parameter ?"
                + (i + 1)
                + "; write CAST(? AS type) to give it one");
      }
    }
    return List.of(types);
  }

  /**
   * Converts JDBC-style parameter values to the canonical values of {@code types}.
   *
   * @throws QueryException if the count is wrong or a value does not fit its parameter's type
   */
  public static Object[] bind(List<ColumnType> types, List<?> values) {
    if (values.size() != types.size()) {
      throw new QueryException(
          QueryException.WRONG_PARAMETER_COUNT,
          "the statement has "
              + types.size()
              + " parameter"
              + (types.size() == 1 ? "" : "s")
              + " but "
              + values.size()
              + (values.size() == 1 ? " value was" : " values were")
              + " given");
    }
    Object[] out = new Object[types.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = types.get(i).coerce(canonicalInput(values.get(i)));
      } catch (ValueException e) {
        throw new QueryException(
            ValueErrors.sqlState(e), "parameter ?" + (i + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Accepts a few common JDBC value classes that {@link ColumnType#coerce} does not. */
  private static Object canonicalInput(Object value) {
    if (value instanceof java.time.LocalDateTime t) {
      return java.sql.Timestamp.valueOf(t);
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  @Override
  public String toString() {
    return Arrays.toString(types);
  }
}
