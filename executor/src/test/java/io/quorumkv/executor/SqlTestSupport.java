package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.executor.encoding.RowCodec;
import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** An engine over a fresh in-process store, and helpers to look at what it wrote. */
abstract class SqlTestSupport {

  /**
   * A short lease, so tests exercise the cache and the DDL wait without spending a second per DDL.
   */
  static final SchemaLease TEST_LEASE = SchemaLease.of(Duration.ofMillis(20));

  final LocalKeyValueStore store = new LocalKeyValueStore();
  private final AtomicLong clients = new AtomicLong();
  final SqlEngine engine = new SqlEngine(store, clients::incrementAndGet, TEST_LEASE);
  final SqlSession session = engine.openSession();

  StatementResult run(String sql, Object... params) {
    return session.execute(sql, params);
  }

  long count(String sql, Object... params) {
    StatementResult r = run(sql, params);
    assertThat(r).isInstanceOf(StatementResult.UpdateCount.class);
    return ((StatementResult.UpdateCount) r).count();
  }

  StatementResult.Rows rows(String sql, Object... params) {
    StatementResult r = run(sql, params);
    assertThat(r).isInstanceOf(StatementResult.Rows.class);
    return (StatementResult.Rows) r;
  }

  QueryException error(String sql, Object... params) {
    QueryException e = catchThrowableOfType(QueryException.class, () -> run(sql, params));
    assertThat(e).as("expected an error from %s", sql).isNotNull();
    return e;
  }

  /** The stored rows of a table, decoded, in key order, as lists (hidden columns included). */
  List<List<Object>> stored(String table) {
    TableDef t = engine.catalog().table(table).orElseThrow();
    Iterator<KeyValueStore.Entry> it =
        store.scan(StoreCatalog.tablePrefix(t.id()), StoreCatalog.tablePrefix(t.id() + 1), 1 << 20);
    List<List<Object>> out = new ArrayList<>();
    while (it.hasNext()) {
      Object[] row = RowCodec.decode(t.columnTypes(), it.next().value().value());
      out.add(Arrays.asList(row));
    }
    return out;
  }

  /** The stored version of the row with this single-column key value. */
  long versionOf(String table, Object key) {
    TableDef t = engine.catalog().table(table).orElseThrow();
    return store.get(StoreCatalog.rowKey(t, List.of(key))).join().version();
  }
}
