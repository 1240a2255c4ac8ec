package io.quorumkv.executor;

import io.quorumkv.executor.SqlEngine.RequestIdSource;
import io.quorumkv.executor.write.WriteContext;
import io.quorumkv.parser.SqlParseException;
import io.quorumkv.parser.SqlParser;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.ValueErrors;
import io.quorumkv.planner.schema.SchemaException;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.ValueException;
import java.util.Optional;

/**
 * One client's connection to the SQL engine: prepares and executes statements. Every write the
 * session makes carries a request id of its own client id, so the store can de-duplicate retries.
 * There are no multi-statement transactions: every statement is atomic per row (see docs/sql.md).
 *
 * <p>Not thread-safe: one thread at a time, as a JDBC connection.
 */
public final class SqlSession {

  private final SqlEngine engine;
  private final RequestIdSource requestIds;
  private final WriteContext writeContext;

  SqlSession(SqlEngine engine, RequestIdSource requestIds) {
    this.engine = engine;
    this.requestIds = requestIds;
    this.writeContext =
        new WriteContext(
            engine.store(),
            engine.catalog(),
            requestIds,
            engine.rowIds(),
            new StatementCompiler(engine).queryRunner(this));
  }

  /**
   * Parses and plans one statement (or takes its plan from the engine's cache).
   *
   * @throws QueryException for malformed SQL (SQLState 42601 with line and column) or a statement
   *     that does not fit the schema
   */
  public PreparedSql prepare(String sql) {
    return new PreparedSql(this, sql, compiled(sql));
  }

  /** Prepares and executes one statement. */
  public StatementResult execute(String sql, Object... params) {
    return prepare(sql).execute(params);
  }

  private CompiledStatement compiled(String sql) {
    CompiledStatement cached = engine.plans().getIfPresent(sql);
    if (cached != null && isCurrent(cached)) {
      return cached;
    }
    CompiledStatement fresh = compile(sql);
    engine.plans().put(sql, fresh);
    return fresh;
  }

  /** The plan to run now: {@code c} if its tables are unchanged, else a new one. */
  CompiledStatement revalidate(String sql, CompiledStatement c) {
    return isCurrent(c) ? c : compiled(sql);
  }

  /**
   * Whether {@code c}'s tables are unchanged according to definitions this node holds within their
   * lease; false also when that is not known without reading the catalog. Never blocks.
   */
  boolean isCurrentWithoutReading(CompiledStatement c) {
    for (TableDef t : c.dependencies()) {
      TableDef now = engine.catalog().cached(t.name());
      if (now == null || now.id() != t.id() || now.schemaVersion() != t.schemaVersion()) {
        return false;
      }
    }
    return true;
  }

  private boolean isCurrent(CompiledStatement c) {
    for (TableDef t : c.dependencies()) {
      Optional<TableDef> now = engine.catalog().table(t.name());
      if (now.isEmpty()
          || now.get().id() != t.id()
          || now.get().schemaVersion() != t.schemaVersion()) {
        return false;
      }
    }
    return true;
  }

  private CompiledStatement compile(String sql) {
    Statement statement;
    try {
      statement = SqlParser.parse(sql);
    } catch (SqlParseException e) {
      throw new QueryException(
          QueryException.SYNTAX_ERROR,
          e.getMessage().substring(e.getMessage().indexOf(": ") + 2),
          e.line(),
          e.column(),
          0,
          e);
    }
    try {
      return new StatementCompiler(engine).compile(statement);
    } catch (SchemaException e) {
      throw new QueryException(QueryException.INVALID_STATEMENT, e.getMessage(), 0, 0, 0, e);
    } catch (ValueException e) {
      throw ValueErrors.wrap(e);
    }
  }

  WriteContext writeContext() {
    return writeContext;
  }

  SqlEngine engine() {
    return engine;
  }
}
