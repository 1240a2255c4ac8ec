package io.quorumkv.bench.jdbc;

import io.quorumkv.executor.PreparedSql;
import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.SqlSession;
import io.quorumkv.executor.StatementResult;

/** A benchmark client over one in-process {@link SqlSession} (no network, no JDBC). */
final class SessionClient implements BenchClient {

  private final PreparedSql select;
  private final PreparedSql cas;

  SessionClient(SqlEngine engine) {
    SqlSession session = engine.openSession();
    select = session.prepare(JdbcBench.SELECT);
    cas = session.prepare(JdbcBench.CAS);
  }

  @Override
  public long read(long k) {
    StatementResult.Rows rows = (StatementResult.Rows) select.execute(k);
    if (rows.rows().isEmpty()) {
      throw new IllegalStateException("key " + k + " is missing");
    }
    return ((Number) rows.rows().get(0)[0]).longValue();
  }

  @Override
  public boolean readThenCas(long k) {
    long v = read(k);
    StatementResult.Rows rows = (StatementResult.Rows) cas.execute(v + 1, k, v);
    return Boolean.TRUE.equals(rows.rows().get(0)[0]);
  }

  @Override
  public void close() {}
}
