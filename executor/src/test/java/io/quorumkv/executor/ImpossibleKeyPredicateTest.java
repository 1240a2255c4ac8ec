package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.store.LocalKeyValueStore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A predicate that no row can satisfy because it asks for NULL in a NOT NULL key column: Calcite
 * reduces the scan to empty values, which must still plan (found by QueryReferenceProperties, seed
 * 8354673090359801051).
 */
class ImpossibleKeyPredicateTest {

  @Test
  void keyColumnIsNullPlansAndReturnsNothing() {
    AtomicLong clients = new AtomicLong();
    SqlSession session =
        new SqlEngine(new LocalKeyValueStore(), clients::incrementAndGet, SqlTestSupport.TEST_LEASE)
            .openSession();
    session.execute(
        "CREATE TABLE t (k1 INT NOT NULL, k2 VARCHAR(4) NOT NULL, a INT, b DECIMAL(8, 2),"
            + " PRIMARY KEY (k1, k2))");
    session.execute("INSERT INTO t VALUES (1, 'a', NULL, 2.00)");
    StatementResult.Rows rows =
        (StatementResult.Rows)
            session.execute("SELECT a + k1, b FROM t WHERE (k1 IS NULL AND a IS NULL)");
    assertThat(rows.rows()).isEmpty();
    StatementResult.Rows rows2 =
        (StatementResult.Rows) session.execute("SELECT k2 FROM t WHERE k1 IS NULL ORDER BY k2");
    assertThat(rows2.rows()).isEmpty();
  }
}
