package io.quorumkv.executor.write;

import io.quorumkv.executor.ResultColumn;
import io.quorumkv.executor.StatementResult;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.eval.Env;
import io.quorumkv.executor.eval.Expr;
import io.quorumkv.executor.eval.ExprCompiler;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.parser.ast.Assignment;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.Delete;
import io.quorumkv.parser.ast.Expression;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.IfCondition;
import io.quorumkv.parser.ast.IfExists;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.SelectItem;
import io.quorumkv.parser.ast.SingleColumn;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.TableRef;
import io.quorumkv.parser.ast.Update;
import io.quorumkv.parser.ast.WriteCondition;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.ValueException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code UPDATE} and {@code DELETE}.
 *
 * <p>When the WHERE clause fixes every primary-key column with {@code col = <constant or ?>}, the
 * statement is one round on that key, and every other WHERE predicate joins the {@code IF}
 * condition: both are checked inside the round against the row as it is then, so {@code UPDATE t
 * SET v = 2 WHERE id = 1 AND ver = 7} is exactly {@code ... WHERE id = 1 IF ver = 7} (optimistic
 * locking), reported by its update count.
 *
 * <p>Otherwise the keys of the matching rows are read by a planned query (so a key prefix or range
 * becomes a key-range scan), and every row gets its own round, which checks the WHERE clause again
 * against the row as it is in that round (a row changed since the read is judged by its new
 * values). Each row is atomic; the statement is not. {@code IF} needs the full key, as in
 * Cassandra.
 */
final class RowWritePlan implements WritePlan {

  private final TableDef table;
  private final boolean delete;
  private final int[] setColumns;
  private final Expr[] setValues;
  private final SourcePos[] setPositions;

  /** Key values in key order when the WHERE clause fixes the whole key; else null. */
  private final List<Expr> keyValues;

  /** For each key slot, the 0-based parameter that gives it, or -1 (a constant). */
  private final int[] keyParams;

  /** Checked in the row's round: residual WHERE predicates and the IF condition; may be null. */
  private final Expr rowCondition;

  /** Whether the statement reports an outcome row (it has IF). */
  private final boolean conditional;

  /** For a WHERE clause that is not a full key: the planned query of the matching rows' keys. */
  private final QueryRunner.Prepared keyQuery;

  static RowWritePlan update(Update u, TableDef table, ParameterTypes params, QueryRunner queries) {
    return new RowWritePlan(
        table, false, u.assignments(), u.where(), u.condition(), u.pos(), params, queries);
  }

  static RowWritePlan delete(Delete d, TableDef table, ParameterTypes params, QueryRunner queries) {
    return new RowWritePlan(
        table, true, List.of(), d.where(), d.condition(), d.pos(), params, queries);
  }

  private RowWritePlan(
      TableDef table,
      boolean delete,
      List<Assignment> assignments,
      Optional<Expression> where,
      Optional<WriteCondition> condition,
      SourcePos pos,
      ParameterTypes params,
      QueryRunner queries) {
    this.table = table;
    this.delete = delete;
    ExprCompiler compiler = new ExprCompiler(table, params);

    setColumns = new int[assignments.size()];
    setValues = new Expr[assignments.size()];
    setPositions = new SourcePos[assignments.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < assignments.size(); i++) {
      Assignment a = assignments.get(i);
      String name = a.column().value();
      int index = table.columnIndex(name);
      if (index < 0) {
        throw QueryException.at(
            a.column().pos(),
            QueryException.UNDEFINED_COLUMN,
            "column " + name + " does not exist in table " + table.name());
      }
      if (table.primaryKey().contains(index)) {
        throw QueryException.at(
            a.column().pos(),
            QueryException.INVALID_STATEMENT,
            "primary key column "
                + name
                + " cannot be updated; delete the row and insert it under its new key");
      }
      if (!seen.add(name)) {
        throw QueryException.at(
            a.column().pos(), QueryException.DUPLICATE_COLUMN, "column " + name + " is set twice");
      }
      ColumnDef column = table.columns().get(index);
      Expr value = compiler.compile(a.value(), column.type());
      TableRows.checkAssignable(column, value, a.value().pos());
      setColumns[i] = index;
      setValues[i] = value;
      setPositions[i] = a.value().pos();
    }

    // Split WHERE into key bindings and the rest.
    List<Expression> conjuncts = new ArrayList<>();
    where.ifPresent(w -> flattenAnd(w, conjuncts));
    Expr[] key = new Expr[table.primaryKey().size()];
    keyParams = new int[key.length];
    Arrays.fill(keyParams, -1);
    List<Expr> residual = new ArrayList<>();
    // A conjunct with a subquery is evaluated once, by the query that finds the rows (see below).
    boolean subqueries = conjuncts.stream().anyMatch(ExprCompiler::hasSubquery);
    if (subqueries && condition.isPresent()) {
      throw QueryException.at(
          where.get().pos(),
          QueryException.FEATURE_NOT_SUPPORTED,
          (delete ? "DELETE" : "UPDATE") + " ... IF cannot have a subquery in WHERE");
    }
    for (Expression c : conjuncts) {
      if (ExprCompiler.hasSubquery(c)) {
        continue;
      }
      int slot = keySlot(c, compiler, key);
      if (slot < 0) {
        residual.add(compiler.condition(c));
      }
    }
    boolean fullKey = !subqueries;
    String missing = null;
    for (int i = 0; i < key.length; i++) {
      if (key[i] == null) {
        fullKey = false;
        missing = missing == null ? table.columns().get(table.primaryKey().get(i)).name() : missing;
      }
    }
    this.conditional = condition.isPresent();
    if (conditional && !fullKey) {
      String verb = delete ? "DELETE" : "UPDATE";
      throw QueryException.at(
          where.map(Expression::pos).orElse(pos),
          QueryException.INVALID_STATEMENT,
          verb
              + " ... IF needs the whole primary key in WHERE as column = value; primary key column "
              + missing
              + " is missing");
    }
    if (condition.isPresent() && condition.get() instanceof IfCondition ic) {
      residual.add(compiler.condition(ic.condition()));
    } else if (condition.isPresent() && !(condition.get() instanceof IfExists)) {
      throw new IllegalStateException("unknown write condition " + condition.get());
    }
    if (fullKey) {
      keyValues = List.of(key);
      rowCondition = and(residual);
      keyQuery = null;
    } else {
      keyQuery = queries.prepare(keyQuery(where, pos), params);
      // Re-checked in each row's round: the key bindings found are part of the condition too.
      keyValues = null;
      // Subqueries are not re-checked there: they count as of the query that found the rows, as
      // a statement's subquery is computed once for the statement.
      List<Expr> all = new ArrayList<>();
      for (Expression c : conjuncts) {
        if (!ExprCompiler.hasSubquery(c)) {
          all.add(compiler.condition(c));
        }
      }
      rowCondition = and(all);
    }
  }

  /**
   * {@code SELECT <key columns> FROM t WHERE <where>}: Calcite picks the access path (a key range
   * for a key prefix, say), and each row it returns gets its own round.
   */
  private Query keyQuery(Optional<Expression> where, SourcePos pos) {
    List<SelectItem> items = new ArrayList<>();
    for (int k : table.primaryKey()) {
      items.add(
          new SingleColumn(
              pos,
              new ColumnRef(
                  pos, Optional.empty(), new Identifier(pos, table.columns().get(k).name())),
              Optional.empty()));
    }
    return new Query(
        pos,
        false,
        items,
        Optional.of(new TableRef(pos, new Identifier(pos, table.name()), Optional.empty())),
        where,
        List.of(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  private static void flattenAnd(Expression e, List<Expression> out) {
    if (e instanceof Binary b && b.operator() == Binary.Operator.AND) {
      flattenAnd(b.left(), out);
      flattenAnd(b.right(), out);
    } else {
      out.add(e);
    }
  }

  /** Binds {@code pkColumn = constant} into {@code key}; returns the key slot or -1. */
  @Override
  public int[] routingParameters() {
    if (keyValues == null) {
      return null;
    }
    for (int p : keyParams) {
      if (p < 0) {
        return null;
      }
    }
    return keyParams.clone();
  }

  private int keySlot(Expression c, ExprCompiler compiler, Expr[] key) {
    if (!(c instanceof Binary b) || b.operator() != Binary.Operator.EQUAL) {
      return -1;
    }
    for (int side = 0; side < 2; side++) {
      Expression col = side == 0 ? b.left() : b.right();
      Expression other = side == 0 ? b.right() : b.left();
      if (!(col instanceof ColumnRef ref)) {
        continue;
      }
      if (ref.table().isPresent() && !ref.table().get().value().equals(table.name())) {
        continue;
      }
      int index = table.columnIndex(ref.column().value());
      int slot = table.primaryKey().indexOf(index);
      if (index < 0 || slot < 0 || key[slot] != null || !isConstant(other)) {
        continue;
      }
      ColumnDef column = table.columns().get(index);
      Expr value = compiler.compile(other, column.type());
      if (!value.rowFree()) {
        continue;
      }
      TableRows.checkAssignable(column, value, other.pos());
      key[slot] = value;
      if (other instanceof Parameter p) {
        keyParams[slot] = p.index() - 1;
      }
      return slot;
    }
    return -1;
  }

  private static boolean isConstant(Expression e) {
    // Only literals, parameters and operators over them; compiled and checked for rowFree after.
    return !(e instanceof ColumnRef) && !(e instanceof io.quorumkv.parser.ast.VersionRef);
  }

  private static Expr and(List<Expr> conditions) {
    if (conditions.isEmpty()) {
      return null;
    }
    if (conditions.size() == 1) {
      return conditions.get(0);
    }
    List<Expr> all = List.copyOf(conditions);
    return new Expr(
        io.quorumkv.planner.schema.ColumnType.BOOLEAN,
        env -> {
          boolean unknown = false;
          for (Expr c : all) {
            Object v = c.evaluate(env);
            if (Boolean.FALSE.equals(v)) {
              return false;
            }
            unknown |= v == null;
          }
          return unknown ? null : true;
        },
        all.stream().allMatch(Expr::rowFree));
  }

  @Override
  public TableDef table() {
    return table;
  }

  @Override
  public List<ResultColumn> resultColumns() {
    return conditional ? TableRows.outcomeColumns(table) : List.of();
  }

  @Override
  public String explain() {
    String verb = delete ? "DELETE" : "UPDATE";
    if (keyValues != null) {
      return verb
          + " "
          + table.name()
          + " (PK_POINT_WRITE: one round on the key"
          + (rowCondition != null ? ", condition checked in the round" : "")
          + ")";
    }
    return verb
        + " "
        + table.name()
        + " (one round per matching row, re-checking WHERE; atomic per row) of the keys from:\n"
        + keyQuery.explain();
  }

  @Override
  public StatementResult execute(Object[] params, WriteContext ctx) {
    if (keyValues != null) {
      return Rounds.join(point(params, ctx));
    }
    return scan(params, ctx, new AtomicReference<>(table));
  }

  /** One round on the key when the WHERE clause fixes it; else null (a scan blocks). */
  @Override
  public CompletableFuture<StatementResult> executeAsync(Object[] params, WriteContext ctx) {
    return keyValues == null ? null : point(params, ctx);
  }

  /**
   * The write of the one row the key values name. Throws the errors found before the store is asked
   * (the key's values); every later outcome is the future's.
   */
  private CompletableFuture<StatementResult> point(Object[] params, WriteContext ctx) {
    Env env = Env.ofParams(params);
    List<Object> key = new ArrayList<>();
    boolean possible = true;
    for (int i = 0; i < keyValues.size(); i++) {
      Object v = keyValues.get(i).evaluate(env);
      ColumnDef column = table.columns().get(table.primaryKey().get(i));
      try {
        v = column.type().coerce(v);
      } catch (ValueException e) {
        // No key of the column's type equals this value (e.g. id = 1.5 for an INTEGER id).
        possible = false;
      }
      possible &= v != null;
      key.add(v);
    }
    if (!possible) {
      return CompletableFuture.completedFuture(
          conditional
              ? new StatementResult.Rows(
                  TableRows.outcomeColumns(table),
                  List.<Object[]>of(TableRows.outcomeRow(table, false, null)))
              : new StatementResult.UpdateCount(0));
    }
    byte[] k = StoreCatalog.rowKey(table, key);
    AtomicReference<TableDef> def = new AtomicReference<>(table);
    return Rounds.runAsync(ctx, def, k, (t, seen) -> decide(t, seen, params))
        .thenApply(
            outcome -> {
              if (!conditional) {
                return new StatementResult.UpdateCount(outcome.applied() ? 1 : 0);
              }
              TableDef t = def.get();
              Object[] row = TableRows.outcomeRow(t, outcome.applied(), outcome.current());
              return new StatementResult.Rows(TableRows.outcomeColumns(t), List.<Object[]>of(row));
            });
  }

  private StatementResult scan(Object[] params, WriteContext ctx, AtomicReference<TableDef> def) {
    long applied = 0;
    for (Object[] key : keyQuery.run(params).rows()) {
      byte[] k = StoreCatalog.rowKey(table, java.util.Arrays.asList(key));
      WriteOutcome outcome;
      try {
        // The query saw the row match; the round checks WHERE again on the row as it is now.
        outcome = Rounds.run(ctx, def, k, (t, seen) -> decide(t, seen, params));
      } catch (QueryException failure) {
        throw failure.withRowsWritten(applied);
      }
      if (outcome.applied()) {
        applied++;
      }
    }
    return new StatementResult.UpdateCount(applied);
  }

  /** The round's decision on one row; pure. */
  private Mutation decide(TableDef def, VersionedValue seen, Object[] params) {
    if (seen == null) {
      return Mutation.SKIP;
    }
    Object[] row = TableRows.decode(def, seen);
    Env env = new Env(row, seen.version(), params);
    if (rowCondition != null && !rowCondition.holds(env)) {
      return Mutation.SKIP;
    }
    if (delete) {
      return Mutation.DELETE;
    }
    Object[] next = row.clone();
    for (int i = 0; i < setColumns.length; i++) {
      // Every SET value is computed from the row as it was, as SQL requires.
      next[setColumns[i]] =
          TableRows.assign(
              def.columns().get(setColumns[i]), setValues[i].evaluate(env), setPositions[i]);
    }
    return new Mutation.Put(TableRows.encode(def, next));
  }
}
