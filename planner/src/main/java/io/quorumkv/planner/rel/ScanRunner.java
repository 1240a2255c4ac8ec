package io.quorumkv.planner.rel;

import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.ValueException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;

/**
 * Runs one planned scan: resolves the key condition's constants (literals and parameter values from
 * the {@link DataContext}), converts them exactly to the key columns' types, and reads rows through
 * the {@link RowSource} found in the context under {@link #ROW_SOURCE}. A key value that has no
 * exact representation in its column's type (e.g. {@code id = 1.5} for an INTEGER id) matches no
 * row; an inexact range bound is dropped, which is safe because range predicates are also checked
 * by the filter above the scan. Immutable; the generated code of every execution of a plan shares
 * it.
 */
public final class ScanRunner {

  /** The {@link DataContext} variable holding the {@link RowSource}. */
  public static final String ROW_SOURCE = "quorumkv.rowSource";

  private final TableDef table;
  private final KeyCondition condition;

  ScanRunner(TableDef table, KeyCondition condition) {
    this.table = table;
    this.condition = condition;
  }

  /** The rows, in Calcite's internal representation (VARBINARY as {@link ByteString}). */
  public Enumerable<Object[]> enumerable(DataContext root) {
    RowSource source = (RowSource) root.get(ROW_SOURCE);
    List<ColumnType> keyTypes = table.keyTypes();
    return switch (condition.path()) {
      case PK_POINT_QUERY, PK_MULTI_GET -> {
        // Distinct keys only: IN (1, 1) must not return the row twice.
        Set<List<Object>> keys = new LinkedHashSet<>();
        for (List<RexNode> k : condition.keys()) {
          List<Object> key = exactKey(k, keyTypes, root);
          if (key != null) {
            keys.add(new KeyList(key));
          }
        }
        List<Object[]> rows = new ArrayList<>();
        for (List<Object> key : keys) {
          Object[] row = source.get(table, key);
          if (row != null) {
            rows.add(internal(row));
          }
        }
        yield Linq4j.asEnumerable(rows);
      }
      case PK_RANGE_QUERY -> {
        List<Object> prefix = exactKey(condition.prefix(), keyTypes, root);
        if (prefix == null) {
          yield Linq4j.emptyEnumerable();
        }
        ColumnType next = keyTypes.get(prefix.size());
        RowSource.Bound lower = bound(condition.lower(), condition.lowerInclusive(), next, root);
        RowSource.Bound upper = bound(condition.upper(), condition.upperInclusive(), next, root);
        yield lazy(() -> source.scan(table, prefix, lower, upper));
      }
      case FULL_SCAN -> lazy(() -> source.scan(table, List.of(), null, null));
    };
  }

  /** A list with value equality for {@code byte[]} elements too. */
  private static final class KeyList extends java.util.AbstractList<Object> {
    private final List<Object> values;

    KeyList(List<Object> values) {
      this.values = values;
    }

    @Override
    public Object get(int index) {
      return values.get(index);
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof KeyList k
          && java.util.Arrays.deepEquals(values.toArray(), k.values.toArray());
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.deepHashCode(values.toArray());
    }
  }

  private static Enumerable<Object[]> lazy(java.util.function.Supplier<Iterator<Object[]>> scan) {
    return Linq4j.asEnumerable(
        () -> {
          Iterator<Object[]> it = scan.get();
          return new Iterator<Object[]>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Object[] next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              return internal(it.next());
            }
          };
        });
  }

  private static Object[] internal(Object[] row) {
    for (int i = 0; i < row.length; i++) {
      if (row[i] instanceof byte[] b) {
        row[i] = new ByteString(b);
      }
    }
    return row;
  }

  private static List<Object> exactKey(
      List<RexNode> nodes, List<ColumnType> types, DataContext root) {
    List<Object> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      Object v = exact(value(nodes.get(i), root), types.get(i));
      if (v == null) {
        return null;
      }
      out.add(v);
    }
    return Collections.unmodifiableList(out);
  }

  private static RowSource.Bound bound(
      RexNode node, boolean inclusive, ColumnType type, DataContext root) {
    if (node == null) {
      return null;
    }
    Object v = exact(value(node, root), type);
    return v == null ? null : new RowSource.Bound(v, inclusive);
  }

  /** The canonical value of a literal or parameter. */
  static Object value(RexNode node, DataContext root) {
    Object v;
    if (node instanceof RexDynamicParam p) {
      v = root.get("?" + p.getIndex());
    } else if (node instanceof RexLiteral l) {
      v = literalValue(l);
    } else {
      throw new IllegalStateException("not a constant: " + node);
    }
    return v instanceof ByteString b ? b.getBytes() : v;
  }

  /** A literal's value as the canonical value of its type. */
  public static Object literalValue(RexLiteral l) {
    return switch (l.getType().getSqlTypeName()) {
      case BOOLEAN -> l.getValueAs(Boolean.class);
      case TINYINT, SMALLINT, INTEGER -> l.getValueAs(Integer.class);
      case BIGINT -> l.getValueAs(Long.class);
      case DECIMAL -> l.getValueAs(BigDecimal.class);
      case DOUBLE, FLOAT, REAL -> l.getValueAs(Double.class);
      case CHAR, VARCHAR -> l.getValueAs(String.class);
      case BINARY, VARBINARY -> l.getValueAs(byte[].class);
      case TIMESTAMP -> l.getValueAs(Long.class);
      default -> l.getValue2();
    };
  }

  /** {@code v} converted to {@code type} without loss, or null if it cannot be. */
  static Object exact(Object v, ColumnType type) {
    if (v == null) {
      return null;
    }
    Object c;
    try {
      c = type.coerce(v);
    } catch (ValueException e) {
      return null;
    }
    if (v instanceof Number n && c instanceof Number m) {
      BigDecimal a =
          n instanceof BigDecimal d
              ? d
              : n instanceof Double x ? BigDecimal.valueOf(x) : BigDecimal.valueOf(n.longValue());
      BigDecimal b =
          m instanceof BigDecimal d
              ? d
              : m instanceof Double x ? BigDecimal.valueOf(x) : BigDecimal.valueOf(m.longValue());
      if (a.compareTo(b) != 0) {
        return null;
      }
    }
    return c;
  }
}
