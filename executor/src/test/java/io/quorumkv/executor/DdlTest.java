package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DdlTest extends SqlTestSupport {

  @Test
  void createShowDescribeDrop() {
    run("CREATE TABLE b (k INT PRIMARY KEY, v VARCHAR(10) NOT NULL) WITH (engine = 'memory')");
    run("CREATE TABLE a (x DECIMAL(5, 2), y TIMESTAMP)");
    assertThat(rows("SHOW TABLES").rows()).extracting(r -> r[0]).containsExactly("A", "B");
    StatementResult.Rows d = rows("DESCRIBE b");
    assertThat(d.rows())
        .extracting(Arrays::asList)
        .containsExactly(
            Arrays.asList("K", "INTEGER", false, 1),
            Arrays.asList("V", "VARCHAR(10)", false, null));
    assertThat(engine.catalog().table("B").orElseThrow().engine()).isEqualTo("memory");
    assertThat(engine.catalog().table("A").orElseThrow().engine())
        .isEqualTo(StoreCatalog.DEFAULT_ENGINE);
    // The hidden row id is not described.
    assertThat(rows("DESCRIBE a").rows()).extracting(r -> r[0]).containsExactly("X", "Y");

    run("DROP TABLE b");
    assertThat(rows("SHOW TABLES").rows()).extracting(r -> r[0]).containsExactly("A");
    assertThat(error("DROP TABLE b").sqlState()).isEqualTo(QueryException.UNDEFINED_TABLE);
    run("DROP TABLE IF EXISTS b");
  }

  @Test
  void createTwiceFailsUnlessIfNotExists() {
    run("CREATE TABLE t (k INT PRIMARY KEY)");
    QueryException e = error("CREATE TABLE t (k INT PRIMARY KEY)");
    assertThat(e.sqlState()).isEqualTo(QueryException.DUPLICATE_TABLE);
    run("CREATE TABLE IF NOT EXISTS t (k INT PRIMARY KEY, other INT)");
    assertThat(engine.catalog().table("T").orElseThrow().columns()).hasSize(1);
  }

  @Test
  void droppedTablesRowsAreGoneAndIdsAreNeverReused() {
    run("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
    int firstId = engine.catalog().table("T").orElseThrow().id();
    run("INSERT INTO t VALUES (1, 1), (2, 2)");
    run("DROP TABLE t");
    run("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
    TableDef again = engine.catalog().table("T").orElseThrow();
    assertThat(again.id()).isGreaterThan(firstId);
    assertThat(stored("T")).isEmpty();
    // Only catalog keys remain.
    assertThat(store.dump()).allMatch(e -> StoreCatalog.isSystemKey(e.key()));
  }

  @Test
  void addColumnOldRowsReadNull() {
    run("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
    run("INSERT INTO t VALUES (1, 1)");
    run("ALTER TABLE t ADD COLUMN note VARCHAR(20)");
    assertThat(engine.catalog().table("T").orElseThrow().schemaVersion()).isEqualTo(2);
    run("INSERT INTO t VALUES (2, 2, 'new')");
    assertThat(count("UPDATE t SET note = 'set' WHERE k = 1")).isOne();
    assertThat(stored("T")).containsExactly(List.of(1, 1, "set"), List.of(2, 2, "new"));
    assertThat(error("ALTER TABLE t ADD COLUMN note INT").sqlState())
        .isEqualTo(QueryException.DUPLICATE_COLUMN);
    assertThat(error("ALTER TABLE t ADD COLUMN n2 INT NOT NULL").sqlState())
        .isEqualTo(QueryException.INVALID_STATEMENT);
    assertThat(error("ALTER TABLE nope ADD COLUMN n2 INT").sqlState())
        .isEqualTo(QueryException.UNDEFINED_TABLE);
  }

  @Test
  void preparedWriteReplansAfterSchemaChange() {
    run("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
    PreparedSql insert = session.prepare("INSERT INTO t VALUES (?, ?)");
    assertThat(insert.parameterCount()).isEqualTo(2);
    insert.execute(1, 1);
    run("ALTER TABLE t ADD COLUMN w INT");
    // The column-less INSERT now names three columns: the re-planned statement says so.
    QueryException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            QueryException.class, () -> insert.execute(2, 2));
    assertThat(e.sqlState()).isEqualTo(QueryException.INVALID_STATEMENT);
    assertThat(stored("T")).hasSize(1);
  }

  @Test
  void badDefinitionsAreRejectedBeforeAnythingIsWritten() {
    int keys = store.size();
    // The parser already rejects a column declared twice, with its position.
    QueryException twice = error("CREATE TABLE t (a INT, a INT)");
    assertThat(twice.sqlState()).isIn(QueryException.DUPLICATE_COLUMN, QueryException.SYNTAX_ERROR);
    assertThat(twice.line()).isEqualTo(1);
    assertThat(error("CREATE TABLE t (a INT, PRIMARY KEY (b))").sqlState())
        .isIn(QueryException.UNDEFINED_COLUMN, QueryException.SYNTAX_ERROR);
    assertThat(store.size()).isEqualTo(keys);
  }

  @Test
  void schemaChangesAreVisibleToOtherEnginesOnTheSameStore() {
    SqlEngine other = new SqlEngine(store, new AtomicLong(1000)::incrementAndGet, TEST_LEASE);
    run("CREATE TABLE t (k INT PRIMARY KEY)");
    assertThat(other.openSession().execute("SHOW TABLES")).isInstanceOf(StatementResult.Rows.class);
    other.openSession().execute("ALTER TABLE t ADD COLUMN v INT");
    run("INSERT INTO t VALUES (1, 2)");
    assertThat(stored("T")).containsExactly(List.of(1, 2));
  }
}
