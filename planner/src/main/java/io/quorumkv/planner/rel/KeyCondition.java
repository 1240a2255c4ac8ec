package io.quorumkv.planner.rel;

import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.rex.RexNode;

/**
 * What a scan knows about the primary key of the rows it needs, and so which {@link AccessPath} it
 * takes. Values are constants: {@link org.apache.calcite.rex.RexLiteral}s or {@link
 * org.apache.calcite.rex.RexDynamicParam}s, resolved when the scan runs. Immutable.
 *
 * @param path the access path
 * @param keys for point and multi-get access: full keys, each in key-column order
 * @param prefix for range access: values of the leading key columns
 * @param lower for range access: lower bound of the key column after the prefix, or null
 * @param lowerInclusive whether the lower bound is inclusive
 * @param upper for range access: upper bound of the key column after the prefix, or null
 * @param upperInclusive whether the upper bound is inclusive
 */
public record KeyCondition(
    AccessPath path,
    List<List<RexNode>> keys,
    List<RexNode> prefix,
    RexNode lower,
    boolean lowerInclusive,
    RexNode upper,
    boolean upperInclusive) {

  /** The condition of a scan that knows nothing about the key. */
  public static final KeyCondition FULL =
      new KeyCondition(AccessPath.FULL_SCAN, List.of(), List.of(), null, false, null, false);

  /** Copies the lists. */
  public KeyCondition {
    Objects.requireNonNull(path, "path");
    keys = keys.stream().map(List::copyOf).toList();
    prefix = List.copyOf(prefix);
  }

  /** One full key. */
  public static KeyCondition point(List<RexNode> key) {
    return new KeyCondition(
        AccessPath.PK_POINT_QUERY, List.of(key), List.of(), null, false, null, false);
  }

  /** Several full keys. */
  public static KeyCondition multiGet(List<List<RexNode>> keys) {
    return new KeyCondition(AccessPath.PK_MULTI_GET, keys, List.of(), null, false, null, false);
  }

  /** A key prefix and bounds on the next key column. */
  public static KeyCondition range(
      List<RexNode> prefix,
      RexNode lower,
      boolean lowerInclusive,
      RexNode upper,
      boolean upperInclusive) {
    return new KeyCondition(
        AccessPath.PK_RANGE_QUERY, List.of(), prefix, lower, lowerInclusive, upper, upperInclusive);
  }

  /** How many rows the scan may return at most, for costing: unknown is the table's size. */
  public double estimateRows(double tableRows) {
    return switch (path) {
      case PK_POINT_QUERY -> 1;
      case PK_MULTI_GET -> keys.size();
      case PK_RANGE_QUERY ->
          Math.max(
              1,
              tableRows
                  / (4.0 * (prefix.size() + 1))
                  / (lower != null && upper != null ? 4 : lower != null || upper != null ? 2 : 1));
      case FULL_SCAN -> tableRows;
    };
  }

  /** A readable form for EXPLAIN, naming the key columns. */
  public String describe(TableDef table) {
    List<String> keyNames = new ArrayList<>();
    for (int i : table.primaryKey()) {
      keyNames.add(table.columns().get(i).name());
    }
    StringBuilder out = new StringBuilder();
    switch (path) {
      case PK_POINT_QUERY -> out.append(tuple(keyNames, keys.get(0)));
      case PK_MULTI_GET -> {
        for (int i = 0; i < keys.size(); i++) {
          out.append(i > 0 ? " | " : "").append(tuple(keyNames, keys.get(i)));
        }
      }
      case PK_RANGE_QUERY -> {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < prefix.size(); i++) {
          parts.add(keyNames.get(i) + " = " + prefix.get(i));
        }
        String next = keyNames.get(prefix.size());
        if (lower != null) {
          parts.add(next + (lowerInclusive ? " >= " : " > ") + lower);
        }
        if (upper != null) {
          parts.add(next + (upperInclusive ? " <= " : " < ") + upper);
        }
        out.append(String.join(", ", parts));
      }
      case FULL_SCAN -> out.append("all keys");
    }
    return out.toString();
  }

  private static String tuple(List<String> names, List<RexNode> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      parts.add(names.get(i) + " = " + values.get(i));
    }
    return String.join(", ", parts);
  }
}
