package io.quorumkv.executor;

import io.quorumkv.executor.write.QueryRunner;
import io.quorumkv.executor.write.WritePlan;
import io.quorumkv.executor.write.WritePlans;
import io.quorumkv.parser.ast.AddColumn;
import io.quorumkv.parser.ast.CreateTable;
import io.quorumkv.parser.ast.Delete;
import io.quorumkv.parser.ast.DescribeTable;
import io.quorumkv.parser.ast.DropTable;
import io.quorumkv.parser.ast.Explain;
import io.quorumkv.parser.ast.Identifier;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.parser.ast.ShowTables;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.parser.ast.Update;
import io.quorumkv.planner.ParameterTypes;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.SchemaException;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.sql.PlannedQuery;
import io.quorumkv.planner.sql.QueryColumn;
import io.quorumkv.planner.sql.QueryPlanner;
import io.quorumkv.planner.sql.QueryTranslator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/** Turns a parsed statement into a {@link CompiledStatement}. One per compilation. */
final class StatementCompiler {

  private final SqlEngine engine;

  StatementCompiler(SqlEngine engine) {
    this.engine = engine;
  }

  CompiledStatement compile(Statement s) {
    if (s instanceof CreateTable c) {
      return createTable(c);
    } else if (s instanceof DropTable d) {
      return ddl(
          (params, session) -> {
            engine.catalog().drop(d.table().value(), d.ifExists());
            return new StatementResult.UpdateCount(0);
          });
    } else if (s instanceof AddColumn a) {
      ColumnDef column = columnDef(a.column());
      return ddl(
          (params, session) -> {
            engine.catalog().addColumn(a.table().value(), column);
            return new StatementResult.UpdateCount(0);
          });
    } else if (s instanceof ShowTables) {
      List<ResultColumn> cols =
          List.of(new ResultColumn("TABLE_NAME", ColumnType.varchar(-1), false));
      return rows(
          cols,
          List.of(),
          (params, session) -> {
            List<Object[]> rows = new ArrayList<>();
            for (TableDef t : engine.catalog().tables()) {
              rows.add(new Object[] {t.name()});
            }
            return new StatementResult.Rows(cols, rows);
          });
    } else if (s instanceof DescribeTable d) {
      return describe(d);
    } else if (s instanceof Insert || s instanceof Update || s instanceof Delete) {
      return write(s, false);
    } else if (s instanceof Select select) {
      return query(select, false);
    } else if (s instanceof Explain e) {
      return explain(e);
    }
    throw new IllegalStateException("unknown statement " + s.getClass().getName());
  }

  private CompiledStatement createTable(CreateTable c) {
    List<ColumnDef> columns = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (io.quorumkv.parser.ast.ColumnDef col : c.columns()) {
      if (!names.add(col.name().value())) {
        throw QueryException.at(
            col.name().pos(),
            QueryException.DUPLICATE_COLUMN,
            "column " + col.name().value() + " is declared twice");
      }
      if (col.name().value().equals(TableDef.ROW_ID)) {
        throw QueryException.at(
            col.name().pos(), QueryException.INVALID_STATEMENT, TableDef.ROW_ID + " is reserved");
      }
      columns.add(columnDef(col));
    }
    List<String> key = new ArrayList<>();
    for (Identifier k : c.primaryKey()) {
      if (!names.contains(k.value())) {
        throw QueryException.at(
            k.pos(),
            QueryException.UNDEFINED_COLUMN,
            "primary key column " + k.value() + " is not a column of the table");
      }
      if (key.contains(k.value())) {
        throw QueryException.at(
            k.pos(),
            QueryException.DUPLICATE_COLUMN,
            "primary key column " + k.value() + " is named twice");
      }
      key.add(k.value());
    }
    String engineName =
        c.engine()
            .map(e -> e.sqlName())
            .orElse(io.quorumkv.executor.catalog.StoreCatalog.DEFAULT_ENGINE);
    String name = c.table().value();
    // Validate now, with a placeholder id, so a bad definition fails before an id is allocated.
    try {
      TableDef.create(1, name, columns, key, engineName);
    } catch (SchemaException e) {
      throw QueryException.at(c.pos(), QueryException.INVALID_STATEMENT, e.getMessage());
    }
    return ddl(
        (params, session) -> {
          engine
              .catalog()
              .create(
                  name, id -> TableDef.create(id, name, columns, key, engineName), c.ifNotExists());
          return new StatementResult.UpdateCount(0);
        });
  }

  private static ColumnDef columnDef(io.quorumkv.parser.ast.ColumnDef c) {
    return ColumnDef.of(c.name().value(), QueryTranslator.columnType(c.type()), !c.notNull());
  }

  private CompiledStatement describe(DescribeTable d) {
    TableDef t = require(d.table());
    List<ResultColumn> cols =
        List.of(
            new ResultColumn("COLUMN_NAME", ColumnType.varchar(-1), false),
            new ResultColumn("TYPE", ColumnType.varchar(-1), false),
            new ResultColumn("NULLABLE", ColumnType.BOOLEAN, false),
            new ResultColumn("KEY_POSITION", ColumnType.INTEGER, true));
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < t.columns().size(); i++) {
      ColumnDef c = t.columns().get(i);
      if (c.hidden()) {
        continue;
      }
      int k = t.primaryKey().indexOf(i);
      rows.add(new Object[] {c.name(), c.type().toString(), c.nullable(), k < 0 ? null : k + 1});
    }
    StatementResult.Rows result = new StatementResult.Rows(cols, rows);
    return rows(cols, List.of(t), (params, session) -> result);
  }

  private TableDef require(Identifier name) {
    return engine.catalog().require(name.value(), name.pos());
  }

  private CompiledStatement write(Statement s, boolean forExplain) {
    ParameterTypes params = new ParameterTypes();
    Identifier tableName =
        s instanceof Insert i
            ? i.table()
            : s instanceof Update u ? u.table() : ((Delete) s).table();
    TableDef table = require(tableName);
    QueryRunner queries = queryRunner(null);
    WritePlan plan = WritePlans.compile(s, table, params, queries);
    List<ColumnType> types = params.complete();
    List<TableDef> deps = new ArrayList<>();
    deps.add(table);
    return new Compiled(
        types,
        plan.resultColumns(),
        !plan.resultColumns().isEmpty(),
        deps,
        new PlannedWrite(plan),
        plan.explain());
  }

  private CompiledStatement query(Select select, boolean forExplain) {
    ParameterTypes params = new ParameterTypes();
    PlannedQuery planned = QueryPlanner.plan(select, engine.catalog(), params);
    List<ColumnType> types = params.complete();
    List<ResultColumn> cols = columns(planned);
    BiFunction<Object[], SqlSession, StatementResult> run =
        forExplain
            ? null
            : PointRead.of(select, planned, types, cols, engine.rowSource()).orElse(null);
    if (run == null) {
      run = (p, session) -> new StatementResult.Rows(cols, planned.run(p, engine.rowSource()));
    }
    return new Compiled(types, cols, true, planned.tables(), run, planned.explain());
  }

  private static List<ResultColumn> columns(PlannedQuery planned) {
    List<ResultColumn> cols = new ArrayList<>();
    for (QueryColumn c : planned.columns()) {
      cols.add(new ResultColumn(c.name(), c.type(), c.nullable()));
    }
    return cols;
  }

  private CompiledStatement explain(Explain e) {
    Statement inner = e.statement();
    Compiled c;
    if (inner instanceof Select select) {
      c = (Compiled) query(select, true);
    } else if (inner instanceof Insert || inner instanceof Update || inner instanceof Delete) {
      c = (Compiled) write(inner, true);
    } else {
      throw QueryException.at(
          e.pos(), QueryException.FEATURE_NOT_SUPPORTED, "EXPLAIN takes a query or a write");
    }
    List<ResultColumn> cols = List.of(new ResultColumn("PLAN", ColumnType.varchar(-1), false));
    List<Object[]> rows = new ArrayList<>();
    for (String line : c.plan().split("\n")) {
      rows.add(new Object[] {line});
    }
    StatementResult.Rows result = new StatementResult.Rows(cols, rows);
    // EXPLAIN shows the plan without running it, so it takes no parameter values.
    return new Compiled(List.of(), cols, true, c.dependencies(), (p, s) -> result, c.plan());
  }

  /** Plans and runs the query of INSERT ... SELECT. */
  QueryRunner queryRunner(SqlSession session) {
    return (query, params) -> {
      PlannedQuery planned = QueryPlanner.plan(query, engine.catalog(), params);
      List<ResultColumn> cols = columns(planned);
      return new QueryRunner.Prepared() {
        @Override
        public List<ResultColumn> columns() {
          return cols;
        }

        @Override
        public String explain() {
          return planned.explain();
        }

        @Override
        public StatementResult.Rows run(Object[] p) {
          return new StatementResult.Rows(cols, planned.run(p, engine.rowSource()));
        }
      };
    };
  }

  private static CompiledStatement ddl(BiFunction<Object[], SqlSession, StatementResult> run) {
    return new Compiled(List.of(), List.of(), false, List.of(), run, "DDL");
  }

  private static CompiledStatement rows(
      List<ResultColumn> cols,
      List<TableDef> deps,
      BiFunction<Object[], SqlSession, StatementResult> run) {
    return new Compiled(List.of(), cols, true, deps, run, "metadata");
  }

  /** The one implementation of {@link CompiledStatement}. */
  record Compiled(
      List<ColumnType> parameterTypes,
      List<ResultColumn> resultColumns,
      boolean returnsRows,
      List<TableDef> dependencies,
      BiFunction<Object[], SqlSession, StatementResult> run,
      String plan)
      implements CompiledStatement {

    @Override
    public StatementResult execute(Object[] params, SqlSession session) {
      return run.apply(params, session);
    }
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
