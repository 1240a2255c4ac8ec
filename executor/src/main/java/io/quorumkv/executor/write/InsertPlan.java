package io.quorumkv.executor.write;

import io.quorumkv.executor.ResultColumn;
import io.quorumkv.executor.StatementResult;
import io.quorumkv.executor.eval.Env;
import io.quorumkv.executor.eval.Expr;
import io.quorumkv.executor.eval.ExprCompiler;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.Values;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code INSERT}, {@code INSERT ... IF NOT EXISTS} and {@code UPSERT}, from VALUES or a query.
 *
 * <p>Every row is computed and checked (types, NOT NULL, lengths) before the first is written, so a
 * bad value writes nothing. Then each row is one round on its key: INSERT puts only if the key is
 * absent (a present key fails the statement with SQLState 23505 after the rows before it were
 * written; {@code IF NOT EXISTS} reports it as not applied instead), UPSERT puts unconditionally,
 * and with a column list keeps the values of the columns it does not name.
 */
final class InsertPlan implements WritePlan {

  private final TableDef table;
  private final Insert.Mode mode;
  private final boolean ifNotExists;
  private final boolean explicitColumns;

  /** Column index for each value position. */
  private final int[] targets;

  /** VALUES rows, compiled; null when the source is a query. */
  private final List<List<Expr>> rows;

  private final List<List<SourcePos>> positions;
  private final QueryRunner.Prepared query;
  private final SourcePos queryPos;

  /**
   * See {@link #routingParameters}; null unless one VALUES row gives the whole key by parameters.
   */
  private final int[] routing;

  InsertPlan(Insert insert, TableDef table, ParameterTypes params, QueryRunner queries) {
    this.table = table;
    this.mode = insert.mode();
    this.ifNotExists = insert.ifNotExists();
    this.explicitColumns = !insert.columns().isEmpty();
    this.targets = targets(insert, table);
    if (insert.source() instanceof Values values) {
      ExprCompiler compiler = new ExprCompiler(null, params);
      rows = new ArrayList<>();
      positions = new ArrayList<>();
      for (List<Expression> row : values.rows()) {
        if (row.size() != targets.length) {
          throw QueryException.at(
              row.isEmpty() ? values.pos() : row.get(0).pos(),
              QueryException.INVALID_STATEMENT,
              "a VALUES row has "
                  + row.size()
                  + " value"
                  + (row.size() == 1 ? "" : "s")
                  + " but "
                  + targets.length
                  + " column"
                  + (targets.length == 1 ? " is" : "s are")
                  + " being inserted");
        }
        List<Expr> compiled = new ArrayList<>();
        List<SourcePos> pos = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          ColumnDef column = table.columns().get(targets[i]);
          Expr e = compiler.compile(row.get(i), column.type());
          TableRows.checkAssignable(column, e, row.get(i).pos());
          compiled.add(e);
          pos.add(row.get(i).pos());
        }
        rows.add(compiled);
        positions.add(pos);
      }
      query = null;
      queryPos = null;
      routing = values.rows().size() == 1 ? keyParameters(values.rows().get(0)) : null;
    } else {
      Query q = (Query) insert.source();
      rows = null;
      positions = null;
      routing = null;
      query = queries.prepare(q, params);
      queryPos = q.pos();
      if (query.columns().size() != targets.length) {
        throw QueryException.at(
            queryPos,
            QueryException.INVALID_STATEMENT,
            "the query returns "
                + query.columns().size()
                + " columns but "
                + targets.length
                + " are being inserted");
      }
    }
  }

  private static int[] targets(Insert insert, TableDef table) {
    List<Integer> out = new ArrayList<>();
    if (insert.columns().isEmpty()) {
      for (int i = 0; i < table.columns().size(); i++) {
        if (!table.columns().get(i).hidden()) {
          out.add(i);
        }
      }
    } else {
      Set<String> seen = new HashSet<>();
      for (Identifier id : insert.columns()) {
        int i = table.columnIndex(id.value());
        if (i < 0) {
          throw QueryException.at(
              id.pos(),
              QueryException.UNDEFINED_COLUMN,
              "column " + id.value() + " does not exist in table " + table.name());
        }
        if (table.columns().get(i).hidden()) {
          throw QueryException.at(
              id.pos(),
              QueryException.INVALID_STATEMENT,
              "the hidden row id " + id.value() + " is assigned by the store");
        }
        if (!seen.add(id.value())) {
          throw QueryException.at(
              id.pos(),
              QueryException.DUPLICATE_COLUMN,
              "column " + id.value() + " is named twice");
        }
        out.add(i);
      }
    }
    // Key columns must get a value: a NULL key is never valid.
    for (int k : table.primaryKey()) {
      if (!table.columns().get(k).hidden() && !out.contains(k)) {
        throw QueryException.at(
            insert.pos(),
            QueryException.NOT_NULL_VIOLATION,
            "primary key column " + table.columns().get(k).name() + " needs a value");
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public TableDef table() {
    return table;
  }

  @Override
  public List<ResultColumn> resultColumns() {
    return ifNotExists ? TableRows.outcomeColumns(table) : List.of();
  }

  @Override
  public String explain() {
    String how =
        switch (mode) {
          case UPSERT -> "put";
          case INSERT -> ifNotExists ? "put if absent, report outcome" : "put if absent, else fail";
        };
    return mode
        + " into "
        + table.name()
        + " ("
        + how
        + "; one round per row, atomic per row"
        + (table.hasHiddenKey() ? "; hidden row ids" : "")
        + ")"
        + (query != null ? " from a query" : "");
  }

  @Override
  public StatementResult execute(Object[] params, WriteContext ctx) {
    List<Object[]> values = materialize(params);
    AtomicReference<TableDef> current = new AtomicReference<>(table);
    List<Object[]> outcomes = new ArrayList<>();
    long written = 0;
    for (Object[] row : values) {
      if (table.hasHiddenKey()) {
        row[table.primaryKey().get(0)] = ctx.rowIds().next(table.id());
      }
      RowResult r = Rounds.join(insert(row, written, current, ctx));
      if (r.applied()) {
        written++;
      }
      if (ifNotExists) {
        outcomes.add(r.outcome());
      }
    }
    return result(outcomes, written, current.get());
  }

  /** For each key column in key order, the parameter giving it in {@code row}, or null. */
  private int[] keyParameters(List<Expression> row) {
    if (table.hasHiddenKey()) {
      return null;
    }
    List<Integer> key = table.primaryKey();
    int[] params = new int[key.size()];
    for (int slot = 0; slot < key.size(); slot++) {
      params[slot] = -1;
      for (int i = 0; i < targets.length; i++) {
        if (targets[i] == key.get(slot) && row.get(i) instanceof Parameter p) {
          params[slot] = p.index() - 1;
        }
      }
      if (params[slot] < 0) {
        return null;
      }
    }
    return params;
  }

  @Override
  public int[] routingParameters() {
    return routing == null ? null : routing.clone();
  }

  /**
   * One VALUES row into a table with a primary key without blocking; else null (a query, several
   * rows or hidden row ids, which may read the catalog, go through {@link #execute}).
   */
  @Override
  public CompletableFuture<StatementResult> executeAsync(Object[] params, WriteContext ctx) {
    if (rows == null || rows.size() != 1 || table.hasHiddenKey()) {
      return null;
    }
    Object[] row = materialize(params).get(0);
    AtomicReference<TableDef> current = new AtomicReference<>(table);
    return insert(row, 0, current, ctx)
        .thenApply(
            r ->
                result(
                    ifNotExists ? List.<Object[]>of(r.outcome()) : List.of(),
                    r.applied() ? 1 : 0,
                    current.get()));
  }

  private StatementResult result(List<Object[]> outcomes, long written, TableDef def) {
    if (ifNotExists) {
      return new StatementResult.Rows(TableRows.outcomeColumns(def), outcomes);
    }
    return new StatementResult.UpdateCount(written);
  }

  /**
   * What writing one row did.
   *
   * @param applied whether the row was written
   * @param outcome its outcome row for {@code IF NOT EXISTS}, else null
   */
  private record RowResult(boolean applied, Object[] outcome) {}

  /**
   * One row's round. Throws the errors found before the store is asked (its key); completes with
   * the row's result, or exceptionally: with the round's failure, or a duplicate key (without
   * {@code IF NOT EXISTS}), reporting the {@code written} rows before it.
   *
   * @param current the definition to use; updated when a newer one is fetched
   */
  private CompletableFuture<RowResult> insert(
      Object[] row, long written, AtomicReference<TableDef> current, WriteContext ctx) {
    byte[] key = TableRows.key(table, row);
    return Rounds.runAsync(ctx, current, key, (def, seen) -> decide(def, seen, row))
        .handle(
            (outcome, failure) -> {
              if (failure != null) {
                RuntimeException e = Rounds.unwrap(failure);
                return CompletableFuture.<RowResult>failedFuture(
                    e instanceof QueryException q ? q.withRowsWritten(written) : e);
              }
              return rowResult(row, written, outcome, current, ctx);
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<RowResult> rowResult(
      Object[] row,
      long written,
      WriteOutcome outcome,
      AtomicReference<TableDef> current,
      WriteContext ctx) {
    if (!outcome.applied() && !ifNotExists) {
      return CompletableFuture.failedFuture(
          new QueryException(
                  QueryException.UNIQUE_VIOLATION,
                  "duplicate key "
                      + describeKey(row)
                      + " in table "
                      + table.name()
                      + (written > 0
                          ? " (" + written + " earlier rows of the statement were inserted)"
                          : ""),
                  0,
                  0,
                  written,
                  null)
              .withRowsWritten(written));
    }
    if (!ifNotExists) {
      return CompletableFuture.completedFuture(new RowResult(true, null));
    }
    TableDef def = current.get();
    if (!outcome.applied()
        && outcome.current() != null
        && io.quorumkv.executor.encoding.RowCodec.schemaVersion(outcome.current().value())
            > def.schemaVersion()) {
      return Rounds.refreshAsync(ctx, def)
          .thenApply(
              fresh -> {
                current.set(fresh);
                return new RowResult(false, TableRows.outcomeRow(fresh, false, outcome.current()));
              });
    }
    return CompletableFuture.completedFuture(
        new RowResult(
            outcome.applied(), TableRows.outcomeRow(def, outcome.applied(), outcome.current())));
  }

  private Mutation decide(
      TableDef def, io.quorumkv.executor.store.VersionedValue seen, Object[] row) {
    Object[] full = TableRows.widen(def, row);
    if (mode == Insert.Mode.INSERT) {
      return seen == null ? new Mutation.Put(TableRows.encode(def, full)) : Mutation.SKIP;
    }
    if (seen == null || !explicitColumns) {
      return new Mutation.Put(TableRows.encode(def, full));
    }
    // UPSERT with a column list changes only the named columns of an existing row.
    Object[] merged = TableRows.decode(def, seen);
    for (int t : targets) {
      merged[t] = full[t];
    }
    return new Mutation.Put(TableRows.encode(def, merged));
  }

  private String describeKey(Object[] row) {
    List<String> parts = new ArrayList<>();
    for (int k : table.primaryKey()) {
      Object v = row[k];
      parts.add(
          table.columns().get(k).name()
              + "="
              + (v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v)));
    }
    return "(" + String.join(", ", parts) + ")";
  }

  /** Computes and checks every row before anything is written. */
  private List<Object[]> materialize(Object[] params) {
    List<Object[]> out = new ArrayList<>();
    Env env = Env.ofParams(params);
    if (rows != null) {
      for (int r = 0; r < rows.size(); r++) {
        List<Expr> row = rows.get(r);
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < row.size(); i++) {
          values[targets[i]] =
              TableRows.assign(
                  table.columns().get(targets[i]),
                  row.get(i).evaluate(env),
                  positions.get(r).get(i));
        }
        checkNotNull(values, rows.get(r).isEmpty() ? null : positions.get(r).get(0));
        out.add(values);
      }
    } else {
      StatementResult.Rows result = query.run(params);
      for (Object[] source : result.rows()) {
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < targets.length; i++) {
          values[targets[i]] =
              TableRows.assign(table.columns().get(targets[i]), source[i], queryPos);
        }
        checkNotNull(values, queryPos);
        out.add(values);
      }
    }
    return out;
  }

  private void checkNotNull(Object[] values, SourcePos pos) {
    for (int i = 0; i < values.length; i++) {
      ColumnDef c = table.columns().get(i);
      if (values[i] == null && !c.nullable() && !c.hidden()) {
        String message = "column " + c.name() + " must not be NULL";
        throw pos == null
            ? new QueryException(QueryException.NOT_NULL_VIOLATION, message)
            : QueryException.at(pos, QueryException.NOT_NULL_VIOLATION, message);
      }
    }
  }
}
