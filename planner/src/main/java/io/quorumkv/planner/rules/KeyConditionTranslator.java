package io.quorumkv.planner.rules;

import io.quorumkv.planner.rel.KeyCondition;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Splits a filter condition over a table scan into a {@link KeyCondition} (what the key access path
 * can do) and the predicates that remain for the filter above the scan.
 *
 * <ul>
 *   <li>{@code k = c} for every key column: a point query; the equalities are consumed.
 *   <li>the same, but one key column with {@code k IN (c1, c2, ...)} (an OR of equalities): a
 *       multi-get; consumed.
 *   <li>{@code k = c} for leading key columns and/or {@code <, <=, >, >=} on the next one: a range
 *       query; the equalities are consumed, the bounds stay in the filter too (a bound that cannot
 *       be represented exactly in the key's type is dropped at run time).
 *   <li>anything else: a full scan.
 * </ul>
 *
 * Constants are literals and parameters; a key column wrapped in a CAST is not recognised, which is
 * why the query translator gives literals the column's type where it can. Stateless.
 */
public final class KeyConditionTranslator {

  /**
   * The result.
   *
   * @param condition the key access
   * @param remaining the predicates the filter must still check (empty: none)
   */
  public record Split(KeyCondition condition, List<RexNode> remaining) {}

  private KeyConditionTranslator() {}

  /** Splits {@code filter}, a condition over the scan's row of {@code table}. */
  public static Split split(TableDef table, RexNode filter) {
    List<RexNode> conjuncts = RelOptUtil.conjunctions(filter);
    List<Integer> key = table.primaryKey();
    RexNode[] eq = new RexNode[key.size()];
    int[] eqAt = new int[key.size()];
    List<List<RexNode>> in = new ArrayList<>();
    int inColumn = -1;
    int inAt = -1;
    for (int c = 0; c < conjuncts.size(); c++) {
      RexNode conjunct = conjuncts.get(c);
      int[] column = new int[1];
      RexNode value = equality(conjunct, column);
      if (value != null) {
        int slot = key.indexOf(column[0]);
        if (slot >= 0 && eq[slot] == null) {
          eq[slot] = value;
          eqAt[slot] = c;
        }
        continue;
      }
      List<RexNode> values = inList(conjunct, column);
      if (values != null && inColumn < 0 && key.indexOf(column[0]) >= 0) {
        inColumn = key.indexOf(column[0]);
        inAt = c;
        for (RexNode v : values) {
          in.add(List.of(v));
        }
      }
    }
    int fixed = 0;
    while (fixed < eq.length && eq[fixed] != null) {
      fixed++;
    }
    List<Integer> consumed = new ArrayList<>();
    if (fixed == eq.length) {
      for (int at : eqAt) {
        consumed.add(at);
      }
      return new Split(KeyCondition.point(List.of(eq)), remove(conjuncts, consumed));
    }
    // Every key column fixed but one, which has an IN list.
    if (inColumn >= 0 && eq[inColumn] == null && countFixed(eq) == eq.length - 1) {
      List<List<RexNode>> keys = new ArrayList<>();
      for (List<RexNode> v : in) {
        List<RexNode> k = new ArrayList<>();
        for (int i = 0; i < eq.length; i++) {
          k.add(i == inColumn ? v.get(0) : eq[i]);
        }
        keys.add(k);
      }
      for (int i = 0; i < eq.length; i++) {
        if (i != inColumn) {
          consumed.add(eqAt[i]);
        }
      }
      consumed.add(inAt);
      return new Split(KeyCondition.multiGet(keys), remove(conjuncts, consumed));
    }
    // A range: the fixed prefix, then bounds on the next key column.
    int next = key.get(fixed);
    RexNode lower = null;
    boolean lowerInclusive = false;
    RexNode upper = null;
    boolean upperInclusive = false;
    for (RexNode conjunct : conjuncts) {
      Bound b = bound(conjunct, next);
      if (b == null) {
        continue;
      }
      if (b.lower && lower == null) {
        lower = b.value;
        lowerInclusive = b.inclusive;
      } else if (!b.lower && upper == null) {
        upper = b.value;
        upperInclusive = b.inclusive;
      }
    }
    if (fixed == 0 && lower == null && upper == null) {
      return new Split(KeyCondition.FULL, conjuncts);
    }
    List<RexNode> prefix = new ArrayList<>();
    for (int i = 0; i < fixed; i++) {
      prefix.add(eq[i]);
      consumed.add(eqAt[i]);
    }
    return new Split(
        KeyCondition.range(prefix, lower, lowerInclusive, upper, upperInclusive),
        remove(conjuncts, consumed));
  }

  private static int countFixed(RexNode[] eq) {
    int n = 0;
    for (RexNode e : eq) {
      n += e == null ? 0 : 1;
    }
    return n;
  }

  private static List<RexNode> remove(List<RexNode> conjuncts, List<Integer> consumed) {
    List<RexNode> out = new ArrayList<>();
    for (int i = 0; i < conjuncts.size(); i++) {
      if (!consumed.contains(i)) {
        out.add(conjuncts.get(i));
      }
    }
    return out;
  }

  private static boolean isConstant(RexNode n) {
    return n instanceof RexDynamicParam || (n instanceof RexLiteral l && !l.isNull());
  }

  /** For {@code $i = c} or {@code c = $i}: returns c and sets column[0] = i. */
  private static RexNode equality(RexNode n, int[] column) {
    if (n.getKind() != SqlKind.EQUALS) {
      return null;
    }
    List<RexNode> ops = ((RexCall) n).getOperands();
    for (int side = 0; side < 2; side++) {
      if (ops.get(side) instanceof RexInputRef ref && isConstant(ops.get(1 - side))) {
        column[0] = ref.getIndex();
        return ops.get(1 - side);
      }
    }
    return null;
  }

  /** For an OR of equalities of one column with constants: the constants. */
  private static List<RexNode> inList(RexNode n, int[] column) {
    if (n.getKind() != SqlKind.OR) {
      return null;
    }
    List<RexNode> values = new ArrayList<>();
    int col = -1;
    for (RexNode d : RelOptUtil.disjunctions(n)) {
      int[] c = new int[1];
      RexNode v = equality(d, c);
      if (v == null || (col >= 0 && c[0] != col)) {
        return null;
      }
      col = c[0];
      values.add(v);
    }
    column[0] = col;
    return values;
  }

  private record Bound(RexNode value, boolean lower, boolean inclusive) {}

  private static Bound bound(RexNode n, int column) {
    SqlKind kind = n.getKind();
    if (kind != SqlKind.LESS_THAN
        && kind != SqlKind.LESS_THAN_OR_EQUAL
        && kind != SqlKind.GREATER_THAN
        && kind != SqlKind.GREATER_THAN_OR_EQUAL) {
      return null;
    }
    List<RexNode> ops = ((RexCall) n).getOperands();
    boolean columnLeft;
    if (ops.get(0) instanceof RexInputRef r && r.getIndex() == column && isConstant(ops.get(1))) {
      columnLeft = true;
    } else if (ops.get(1) instanceof RexInputRef r
        && r.getIndex() == column
        && isConstant(ops.get(0))) {
      columnLeft = false;
    } else {
      return null;
    }
    RexNode value = ops.get(columnLeft ? 1 : 0);
    boolean greater = kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL;
    boolean inclusive = kind == SqlKind.GREATER_THAN_OR_EQUAL || kind == SqlKind.LESS_THAN_OR_EQUAL;
    // "column > c" bounds from below; "c > column" from above.
    return new Bound(value, greater == columnLeft, inclusive);
  }
}
