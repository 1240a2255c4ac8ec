package io.quorumkv.executor;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.read.StoreRowSource;
import io.quorumkv.parser.ast.AllColumns;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.parser.ast.SelectItem;
import io.quorumkv.parser.ast.SingleColumn;
import io.quorumkv.parser.ast.TableRef;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.sql.PlannedQuery;
import io.quorumkv.planner.sql.QueryColumn;
import io.quorumkv.planner.sql.SqlTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The direct plan of the commonest query, {@code SELECT c1, c2 | * FROM t WHERE k1 = ? AND k2 = ?}
 * (every primary-key column equal to a parameter, nothing else): one key get and a projection, no
 * Calcite code per execution. The query is still planned by Calcite once, which validates it and
 * fixes its parameter types, result columns and EXPLAIN text; this plan is used only when it yields
 * exactly those columns, so a query answers the same either way. Immutable and thread-safe.
 */
final class PointRead implements BiFunction<Object[], SqlSession, StatementResult> {

  private final TableDef table;
  private final StoreRowSource source;
  private final List<ResultColumn> columns;

  /** For each key column in key order, the parameter (0-based) that gives its value. */
  private final int[] keyParams;

  /** For each result column, its index in the table's columns. */
  private final int[] projection;

  private final ColumnType[] types;

  private PointRead(
      TableDef table,
      StoreRowSource source,
      List<ResultColumn> columns,
      int[] keyParams,
      int[] projection) {
    this.table = table;
    this.source = source;
    this.columns = columns;
    this.keyParams = keyParams;
    this.projection = projection;
    this.types = new ColumnType[projection.length];
    for (int i = 0; i < projection.length; i++) {
      types[i] = table.columns().get(projection[i]).type();
    }
  }

  /** The direct plan of {@code select}, if it has the point-read shape; else empty. */
  static Optional<PointRead> of(
      Select select,
      PlannedQuery planned,
      List<ColumnType> parameterTypes,
      List<ResultColumn> columns,
      StoreRowSource source) {
    Query q = select.query();
    if (select.condition().isPresent()
        || q.isCompound()
        || q.distinct()
        || !q.groupBy().isEmpty()
        || q.having().isPresent()
        || !q.orderBy().isEmpty()
        || q.limit().isPresent()
        || q.offset().isPresent()
        || q.where().isEmpty()
        || !(q.from().orElse(null) instanceof TableRef ref)
        || planned.tables().size() != 1) {
      return Optional.empty();
    }
    TableDef table = planned.tables().get(0);
    if (!table.name().equals(ref.name().value()) || table.hasHiddenKey()) {
      return Optional.empty();
    }
    String qualifier = ref.alias().map(Identifier::value).orElse(table.name());

    List<Expression> conjuncts = new ArrayList<>();
    flatten(q.where().get(), conjuncts);
    List<Integer> key = table.primaryKey();
    if (conjuncts.size() != key.size()) {
      return Optional.empty();
    }
    int[] keyParams = new int[key.size()];
    Arrays.fill(keyParams, -1);
    for (Expression e : conjuncts) {
      if (!(e instanceof Binary b) || b.operator() != Binary.Operator.EQUAL) {
        return Optional.empty();
      }
      ColumnRef col;
      Parameter param;
      if (b.left() instanceof ColumnRef c && b.right() instanceof Parameter p) {
        col = c;
        param = p;
      } else if (b.right() instanceof ColumnRef c && b.left() instanceof Parameter p) {
        col = c;
        param = p;
      } else {
        return Optional.empty();
      }
      int column = column(table, qualifier, col);
      int k = column < 0 ? -1 : key.indexOf(column);
      if (k < 0
          || keyParams[k] >= 0
          || param.index() > parameterTypes.size()
          || !parameterTypes.get(param.index() - 1).equals(table.columns().get(column).type())) {
        return Optional.empty();
      }
      keyParams[k] = param.index() - 1;
    }

    List<Integer> projection = new ArrayList<>();
    for (SelectItem item : q.items()) {
      if (item instanceof AllColumns all
          && all.table().map(t -> t.value().equals(qualifier)).orElse(true)) {
        for (int i = 0; i < table.columns().size(); i++) {
          if (!table.columns().get(i).hidden()) {
            projection.add(i);
          }
        }
      } else if (item instanceof SingleColumn s && s.expression() instanceof ColumnRef c) {
        int i = column(table, qualifier, c);
        if (i < 0 || table.columns().get(i).hidden()) {
          return Optional.empty();
        }
        projection.add(i);
      } else {
        return Optional.empty();
      }
    }
    // The columns Calcite planned must be exactly these, with the same types.
    List<QueryColumn> planCols = planned.columns();
    if (planCols.size() != projection.size()) {
      return Optional.empty();
    }
    for (int i = 0; i < projection.size(); i++) {
      ColumnDef c = table.columns().get(projection.get(i));
      if (!planCols.get(i).type().equals(c.type())) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new PointRead(
            table,
            source,
            columns,
            keyParams,
            projection.stream().mapToInt(Integer::intValue).toArray()));
  }

  private static void flatten(Expression e, List<Expression> out) {
    if (e instanceof Binary b && b.operator() == Binary.Operator.AND) {
      flatten(b.left(), out);
      flatten(b.right(), out);
    } else {
      out.add(e);
    }
  }

  private static int column(TableDef table, String qualifier, ColumnRef c) {
    if (c.table().isPresent() && !c.table().get().value().equals(qualifier)) {
      return -1;
    }
    return table.columnIndex(c.column().value());
  }

  /**
   * Runs the read without blocking: the result completes when the store's get does (on the store's
   * thread), or with null when the row was written under a newer schema than the plan's, which
   * needs a catalog read: the caller then runs {@link #apply} where it may block.
   */
  CompletableFuture<StatementResult> applyAsync(Object[] params) {
    Object[] key = new Object[keyParams.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = params[keyParams[i]];
      if (key[i] == null) {
        return CompletableFuture.completedFuture(
            new StatementResult.Rows(columns, new ArrayList<>(0)));
      }
    }
    return source
        .store()
        .get(StoreCatalog.rowKey(table, Arrays.asList(key)))
        .thenApply(
            v -> {
              List<Object[]> rows = new ArrayList<>(1);
              if (v != null) {
                Object[] row = StoreRowSource.rowIfCurrent(table, v);
                if (row == null) {
                  return null;
                }
                rows.add(project(row));
              }
              return new StatementResult.Rows(columns, rows);
            });
  }

  private Object[] project(Object[] row) {
    Object[] out = new Object[projection.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = SqlTypes.canonical(row[projection[i]], types[i]);
    }
    return out;
  }

  @Override
  public StatementResult apply(Object[] params, SqlSession session) {
    List<Object[]> rows = new ArrayList<>(1);
    Object[] key = new Object[keyParams.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = params[keyParams[i]];
      if (key[i] == null) {
        // k = NULL is never true.
        return new StatementResult.Rows(columns, rows);
      }
    }
    Object[] row = source.get(table, Arrays.asList(key));
    if (row != null) {
      rows.add(project(row));
    }
    return new StatementResult.Rows(columns, rows);
  }
}
