package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Conditional writes from many sessions at once: each row's round is atomic. */
class ConditionalWriteConcurrencyTest extends SqlTestSupport {

  private static final int THREADS = 8;

  private <T> List<T> race(Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void decrementsNeverOverdrawAndEveryOneIsAccountedFor() throws Exception {
    int initial = 500;
    run("CREATE TABLE acct (id INT PRIMARY KEY, balance INT NOT NULL)");
    run("INSERT INTO acct VALUES (1, ?)", initial);
    int attemptsPerThread = 100;
    List<Integer> applied =
        race(
            () -> {
              // A session per thread, as per connection; the statement is prepared once.
              PreparedSql debit =
                  engine
                      .openSession()
                      .prepare("UPDATE acct SET balance = balance - 1 WHERE id = 1 IF balance > 0");
              int n = 0;
              for (int i = 0; i < attemptsPerThread; i++) {
                StatementResult.Rows r = (StatementResult.Rows) debit.execute();
                if ((Boolean) r.rows().get(0)[0]) {
                  n++;
                } else {
                  // Not applied: the round saw a balance that fails the condition.
                  assertThat((Integer) r.value(0, "BALANCE")).isLessThanOrEqualTo(0);
                }
              }
              return n;
            });
    int total = applied.stream().mapToInt(Integer::intValue).sum();
    int balance = (Integer) stored("ACCT").get(0).get(1);
    assertThat(total).isEqualTo(initial);
    assertThat(balance).isZero();
    // Each applied debit is one version step after the insert.
    assertThat(versionOf("ACCT", 1)).isEqualTo(1L + initial);
  }

  @Test
  void decrementsWithoutRunningOutAccountForEveryDebit() throws Exception {
    run("CREATE TABLE acct (id INT PRIMARY KEY, balance DECIMAL(10, 2) NOT NULL)");
    run("INSERT INTO acct VALUES (1, 100000)");
    race(
        () -> {
          SqlSession s = engine.openSession();
          for (int i = 0; i < 50; i++) {
            s.execute("UPDATE acct SET balance = balance - ? WHERE id = 1 IF balance > 0", 0.5);
          }
          return null;
        });
    assertThat(stored("ACCT").get(0).get(1))
        .isEqualTo(
            new BigDecimal("100000.00")
                .subtract(new BigDecimal("0.5").multiply(BigDecimal.valueOf(THREADS * 50L)))
                .setScale(2));
  }

  @Test
  void insertIfNotExistsHasExactlyOneWinnerPerKey() throws Exception {
    run("CREATE TABLE locks (name VARCHAR(20) PRIMARY KEY, owner INT)");
    int keys = 20;
    List<List<Integer>> won =
        race(
            () -> {
              SqlSession s = engine.openSession();
              int me = System.identityHashCode(s);
              List<Integer> mine = new ArrayList<>();
              for (int k = 0; k < keys; k++) {
                StatementResult.Rows r =
                    (StatementResult.Rows)
                        s.execute("INSERT INTO locks VALUES (?, ?) IF NOT EXISTS", "lock-" + k, me);
                if ((Boolean) r.rows().get(0)[0]) {
                  mine.add(k);
                } else {
                  assertThat(r.value(0, "OWNER")).isNotEqualTo(me);
                }
              }
              return mine;
            });
    List<Integer> all = won.stream().flatMap(List::stream).sorted().toList();
    assertThat(all).hasSize(keys).doesNotHaveDuplicates();
    assertThat(stored("LOCKS")).hasSize(keys);
  }
}
