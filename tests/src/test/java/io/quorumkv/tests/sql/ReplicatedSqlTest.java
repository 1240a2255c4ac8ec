package io.quorumkv.tests.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.executor.PreparedSql;
import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.SqlSession;
import io.quorumkv.executor.StatementResult;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.planner.QueryException;
import io.quorumkv.server.QuorumKvServer;
import io.quorumkv.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every statement form of the dialect executed through the replication core: three nodes on real
 * loopback sockets with durable bitcask storage, one {@link SqlEngine} per node over the node's
 * replicated store, so a statement on one node coordinates its keys' Paxos rounds from there and
 * another node must see the result.
 */
class ReplicatedSqlTest {

  @TempDir static Path dir;

  private static final QuorumKvServer[] servers = new QuorumKvServer[4];
  private static final SqlEngine[] engines = new SqlEngine[4];
  private static final Duration LEASE = Duration.ofMillis(300);

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void startCluster() throws InterruptedException {
    int[] ports = new int[4];
    StringBuilder peers = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      ports[i] = freePort("127.0.0." + (i + 1));
      peers.append(i > 1 ? ", " : "").append(i).append("=127.0.0.").append(i + 1).append(':');
      peers.append(ports[i]);
    }
    for (int i = 1; i <= 3; i++) {
      ServerConfig config =
          ServerConfig.parse(
              "node" + i,
              String.join(
                  "\n",
                  "node.id = " + i,
                  "listen.address = 127.0.0." + (i + 1),
                  "http.port = 0", // any free port: fixed ports collide across concurrent builds
                  "peer.port = " + ports[i],
                  "peers = " + peers,
                  "data.dir = " + dir.resolve("node" + i),
                  "engine.kind = bitcask",
                  // A semantics test, not a timing one: a busy machine must not turn slow into
                  // unknown.
                  "request.timeout.ms = 15000"));
      servers[i] = QuorumKvServer.start(config);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!allConnected()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("peers did not connect within 60 s");
      }
      Thread.sleep(10);
    }
    for (int i = 1; i <= 3; i++) {
      // A short lease keeps each DDL's wait short; the argument does not depend on its length.
      engines[i] =
          new SqlEngine(servers[i].store(), new SecureRandom()::nextLong, SchemaLease.of(LEASE));
    }
  }

  private static boolean allConnected() {
    for (int i = 1; i <= 3; i++) {
      for (int j = 1; j <= 3; j++) {
        if (i != j && !servers[i].node().connectedTo(j)) {
          return false;
        }
      }
    }
    return true;
  }

  @AfterAll
  static void stopCluster() {
    for (QuorumKvServer s : servers) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static SqlSession on(int node) {
    return engines[node].openSession();
  }

  private static List<Object[]> rows(int node, String sql, Object... params) {
    return ((StatementResult.Rows) on(node).execute(sql, params)).rows();
  }

  private static long count(int node, String sql, Object... params) {
    return ((StatementResult.UpdateCount) on(node).execute(sql, params)).count();
  }

  private static boolean applied(int node, String sql, Object... params) {
    return (Boolean) rows(node, sql, params).get(0)[0];
  }

  @Test
  void ddlOnOneNodeIsVisibleOnEveryNode() {
    on(1).execute("CREATE TABLE ddl_t (id BIGINT PRIMARY KEY, v VARCHAR(10))");
    for (int n = 1; n <= 3; n++) {
      assertThat(rows(n, "SHOW TABLES")).extracting(r -> r[0]).contains("DDL_T");
    }
    on(2).execute("ALTER TABLE ddl_t ADD COLUMN note VARCHAR(20)");
    on(3).execute("INSERT INTO ddl_t (id, v, note) VALUES (1, 'a', 'added')");
    assertThat(rows(1, "SELECT note FROM ddl_t WHERE id = 1"))
        .containsExactly(new Object[] {"added"});
    assertThat(rows(1, "DESCRIBE ddl_t")).hasSize(3);
    on(1).execute("DROP TABLE ddl_t");
    for (int n = 1; n <= 3; n++) {
      assertThat(rows(n, "SHOW TABLES")).extracting(r -> r[0]).doesNotContain("DDL_T");
      int node = n;
      assertThatThrownBy(() -> on(node).execute("SELECT * FROM ddl_t"))
          .isInstanceOf(QueryException.class);
    }
    on(2).execute("CREATE TABLE IF NOT EXISTS ddl_t (id BIGINT PRIMARY KEY)");
    on(3).execute("CREATE TABLE IF NOT EXISTS ddl_t (id BIGINT PRIMARY KEY)");
    on(1).execute("DROP TABLE IF EXISTS ddl_t");
    on(1).execute("DROP TABLE IF EXISTS ddl_t");
  }

  /**
   * The schema lease across nodes: right before each DDL the other nodes read the table (so each
   * holds a fresh lease on the old definition, and prepared statements planned against it), and
   * statements they start as soon as the DDL returned must run against the new schema.
   */
  @Test
  void schemaChangesAreSeenByStatementsStartedAfterwardsOnOtherNodes() {
    on(1).execute("CREATE TABLE lease_t (id BIGINT PRIMARY KEY, v INT)");
    SqlSession[] sessions = {null, on(1), on(2), on(3)};
    PreparedSql[] reads = new PreparedSql[4];
    for (int n = 1; n <= 3; n++) {
      reads[n] = sessions[n].prepare("SELECT * FROM lease_t WHERE id = ?");
    }
    for (int round = 0; round < 3; round++) {
      int ddl = 1 + round % 3;
      for (int n = 1; n <= 3; n++) {
        reads[n].execute(1L);
      }
      sessions[ddl].execute("ALTER TABLE lease_t ADD COLUMN c" + round + " INT");
      for (int n = 1; n <= 3; n++) {
        long id = 10L * round + n;
        sessions[n].execute(
            "INSERT INTO lease_t (id, v, c" + round + ") VALUES (?, ?, ?)", id, n, round);
        Object[] row = ((StatementResult.Rows) reads[n].execute(id)).rows().get(0);
        assertThat(reads[n].resultColumns()).hasSize(3 + round);
        assertThat(row).hasSize(3 + round);
        assertThat(row[2 + round]).isEqualTo(round);
      }
    }

    for (int n = 1; n <= 3; n++) {
      reads[n].execute(1L);
    }
    sessions[1].execute("DROP TABLE lease_t");
    for (int n = 2; n <= 3; n++) {
      PreparedSql read = reads[n];
      assertThatThrownBy(() -> read.execute(1L))
          .isInstanceOfSatisfying(
              QueryException.class,
              e -> assertThat(e.sqlState()).isEqualTo(QueryException.UNDEFINED_TABLE));
      SqlSession session = sessions[n];
      assertThatThrownBy(() -> session.execute("INSERT INTO lease_t (id, v) VALUES (99, 1)"))
          .isInstanceOf(QueryException.class);
    }

    // Re-created under the same name with another shape: the others see the new, empty table.
    sessions[2].execute("CREATE TABLE lease_t (id BIGINT PRIMARY KEY, w VARCHAR(5))");
    assertThat(rows(3, "SELECT * FROM lease_t")).isEmpty();
    assertThat(rows(1, "SELECT * FROM lease_t")).isEmpty();
    for (int n : new int[] {3, 1}) {
      sessions[n].execute("INSERT INTO lease_t (id, w) VALUES (?, ?)", (long) n, "n" + n);
      assertThat(((StatementResult.Rows) reads[n].execute((long) n)).rows())
          .containsExactly(new Object[] {(long) n, "n" + n});
    }
    assertThat(rows(2, "SELECT w FROM lease_t WHERE id = 3")).containsExactly(new Object[] {"n3"});
    sessions[3].execute("DROP TABLE lease_t");
  }

  @Test
  void everyWriteFormAcrossNodes() {
    on(1)
        .execute(
            "CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance DECIMAL(10,2) NOT"
                + " NULL, ver INT NOT NULL) WITH (engine = 'bitcask')");
    assertThat(count(2, "INSERT INTO acct VALUES (1, 'ann', 10.00, 1), (2, 'bob', 5.50, 1)"))
        .isEqualTo(2);
    assertThat(applied(3, "INSERT INTO acct VALUES (1, 'eve', 0, 1) IF NOT EXISTS")).isFalse();
    assertThat(applied(3, "INSERT INTO acct VALUES (3, 'cy', 1, 1) IF NOT EXISTS")).isTrue();
    assertThat(count(1, "UPSERT INTO acct VALUES (3, 'cy', 2.25, 1)")).isEqualTo(1);

    // A conditional update sees the value another node wrote, inside its own round.
    List<Object[]> notApplied =
        rows(2, "UPDATE acct SET balance = balance - 20 WHERE id = 1 IF balance >= 20");
    assertThat(notApplied.get(0)[0]).isEqualTo(false);
    assertThat(applied(3, "UPDATE acct SET balance = balance - 4 WHERE id = 1 IF balance >= 4"))
        .isTrue();
    assertThat(rows(1, "SELECT balance FROM acct WHERE id = 1"))
        .containsExactly(new Object[] {new BigDecimal("6.00")});

    // Optimistic locking: WHERE beyond the key is the row's condition.
    assertThat(count(1, "UPDATE acct SET owner = 'ann2', ver = ver + 1 WHERE id = 1 AND ver = 1"))
        .isEqualTo(1);
    assertThat(count(2, "UPDATE acct SET owner = 'lost', ver = ver + 1 WHERE id = 1 AND ver = 1"))
        .isZero();

    // Conditional reads and _version.
    long version = (Long) rows(3, "SELECT _version FROM acct WHERE id = 1").get(0)[0];
    assertThat(rows(2, "SELECT owner FROM acct WHERE id = 1 IF _version > ?", version)).isEmpty();
    assertThat(rows(2, "SELECT owner FROM acct WHERE id = 1 IF _version >= ?", version))
        .containsExactly(new Object[] {"ann2"});

    assertThat(applied(3, "UPDATE acct SET owner = 'bo' WHERE id = 2 IF EXISTS")).isTrue();
    assertThat(applied(1, "UPDATE acct SET owner = 'nobody' WHERE id = 99 IF EXISTS")).isFalse();
    assertThat(applied(1, "DELETE FROM acct WHERE id = 2 IF EXISTS")).isTrue();
    assertThat(applied(2, "DELETE FROM acct WHERE id = 2 IF EXISTS")).isFalse();
    assertThat(count(3, "DELETE FROM acct WHERE id = 3")).isEqualTo(1);

    on(1).execute("CREATE TABLE audit (who VARCHAR(20), amount DECIMAL(10,2))");
    assertThat(count(2, "INSERT INTO audit SELECT owner, balance FROM acct")).isEqualTo(1);
    assertThat(rows(3, "SELECT who, amount FROM audit"))
        .containsExactly(new Object[] {"ann2", new BigDecimal("6.00")});
  }

  @Test
  void queriesUseKeyAccessAndCalciteForTheRest() {
    on(1).execute("CREATE TABLE item (cat VARCHAR(10), n INT, price DOUBLE, PRIMARY KEY (cat, n))");
    for (int i = 0; i < 30; i++) {
      on(1 + i % 3)
          .execute("INSERT INTO item VALUES (?, ?, ?)", i % 2 == 0 ? "a" : "b", i, i * 1.5);
    }
    assertThat(rows(2, "SELECT COUNT(*) FROM item WHERE cat = 'a'"))
        .containsExactly(new Object[] {15L});
    assertThat(rows(3, "SELECT n FROM item WHERE cat = 'b' AND n IN (1, 3, 4) ORDER BY n"))
        .containsExactly(new Object[] {1}, new Object[] {3});
    assertThat(
            rows(
                1,
                "SELECT cat, SUM(price) FROM item GROUP BY cat HAVING SUM(price) > 0 ORDER BY cat"))
        .hasSize(2);
    assertThat(rows(1, "SELECT n FROM item ORDER BY price DESC LIMIT 2 OFFSET 1"))
        .containsExactly(new Object[] {28}, new Object[] {27});
    // Statements whose WHERE is not a whole key: atomic per row, one round per matching row.
    assertThat(count(2, "UPDATE item SET price = price + 1 WHERE cat = 'b' AND n > 20"))
        .isEqualTo(5);
    assertThat(rows(3, "SELECT price FROM item WHERE cat = 'b' AND n = 21"))
        .containsExactly(new Object[] {21 * 1.5 + 1});
    assertThat(count(3, "DELETE FROM item WHERE price > 1000")).isZero();
    StringBuilder plan = new StringBuilder();
    for (Object[] line : rows(2, "EXPLAIN SELECT price FROM item WHERE cat = 'a' AND n = 4")) {
      plan.append(line[0]).append('\n');
    }
    assertThat(plan).contains("PK_POINT_QUERY");
    on(1).execute("CREATE TABLE cat (code VARCHAR(10) PRIMARY KEY, label VARCHAR(20))");
    on(2).execute("INSERT INTO cat VALUES ('a', 'Apples'), ('b', 'Bananas')");
    assertThat(
            rows(
                3,
                "SELECT c.label, COUNT(*) FROM item i JOIN cat c ON i.cat = c.code GROUP BY c.label"
                    + " ORDER BY c.label"))
        .containsExactly(new Object[] {"Apples", 15L}, new Object[] {"Bananas", 15L});
  }

  private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
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
        out.add(f.get(180, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentDebitsFromAllNodesNeverOverdraw() throws Exception {
    int initial = 60;
    on(1).execute("CREATE TABLE wallet (id INT PRIMARY KEY, balance INT NOT NULL)");
    on(1).execute("INSERT INTO wallet VALUES (1, ?)", initial);
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Integer> applied =
        race(
            6,
            () -> {
              int node = 1 + next.getAndIncrement() % 3;
              var debit =
                  on(node)
                      .prepare(
                          "UPDATE wallet SET balance = balance - 1 WHERE id = 1 IF balance > 0");
              int n = 0;
              for (int i = 0; i < 15; i++) {
                StatementResult.Rows r = (StatementResult.Rows) debit.execute();
                if ((Boolean) r.rows().get(0)[0]) {
                  n++;
                }
              }
              return n;
            });
    int total = applied.stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isEqualTo(initial);
    for (int n = 1; n <= 3; n++) {
      assertThat(rows(n, "SELECT balance FROM wallet WHERE id = 1"))
          .containsExactly(new Object[] {0});
    }
  }

  @Test
  void insertIfNotExistsRaceHasExactlyOneWinnerPerKey() throws Exception {
    on(2).execute("CREATE TABLE claim (k INT PRIMARY KEY, owner INT NOT NULL)");
    java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
    List<Integer> wins =
        race(
            6,
            () -> {
              int me = ids.incrementAndGet();
              SqlSession s = on(1 + me % 3);
              int won = 0;
              for (int k = 0; k < 10; k++) {
                StatementResult.Rows r =
                    (StatementResult.Rows)
                        s.execute("INSERT INTO claim VALUES (?, ?) IF NOT EXISTS", k, me);
                if ((Boolean) r.rows().get(0)[0]) {
                  won++;
                }
              }
              return won;
            });
    assertThat(wins.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    assertThat(rows(3, "SELECT COUNT(*) FROM claim")).containsExactly(new Object[] {10L});
  }
}
