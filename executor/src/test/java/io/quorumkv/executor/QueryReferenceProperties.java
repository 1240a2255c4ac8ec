package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.store.LocalKeyValueStore;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random SELECTs over one table give the same rows as the same query in H2, an independent SQL
 * engine holding the same data: projections, three-valued WHERE predicates (so key access paths and
 * residual filters), ORDER BY with LIMIT, GROUP BY with aggregates.
 */
class QueryReferenceProperties {

  private static Connection h2;
  private static SqlSession session;

  private static final String DDL =
      "CREATE TABLE t (k1 INT NOT NULL, k2 VARCHAR(4) NOT NULL, a INT, b DECIMAL(8, 2),"
          + " c VARCHAR(6), PRIMARY KEY (k1, k2))";

  @BeforeContainer
  static void load() throws SQLException {
    h2 = DriverManager.getConnection("jdbc:h2:mem:ref" + System.identityHashCode(DDL));
    AtomicLong clients = new AtomicLong();
    session =
        new SqlEngine(new LocalKeyValueStore(), clients::incrementAndGet, SqlTestSupport.TEST_LEASE)
            .openSession();
    try (Statement s = h2.createStatement()) {
      s.execute(DDL);
    }
    session.execute(DDL);
    Random random = new Random(42);
    String[] k2s = {"a", "b", "c", "d"};
    String[] cs = {"x", "xy", "yz", "abc", "", "zz"};
    for (int k1 = 0; k1 < 6; k1++) {
      for (String k2 : k2s) {
        if (random.nextInt(4) == 0) {
          continue;
        }
        Integer a = random.nextInt(5) == 0 ? null : random.nextInt(11) - 5;
        BigDecimal b =
            random.nextInt(5) == 0 ? null : BigDecimal.valueOf(random.nextInt(2001) - 1000, 2);
        String c = random.nextInt(5) == 0 ? null : cs[random.nextInt(cs.length)];
        String insert =
            "INSERT INTO t VALUES ("
                + k1
                + ", '"
                + k2
                + "', "
                + a
                + ", "
                + (b == null ? "NULL" : b.toPlainString())
                + ", "
                + (c == null ? "NULL" : "'" + c + "'")
                + ")";
        try (Statement s = h2.createStatement()) {
          s.execute(insert);
        }
        session.execute(insert);
      }
    }
  }

  @AfterContainer
  static void close() throws SQLException {
    h2.close();
  }

  @Property(tries = 60)
  void selectsAgreeWithReference(@ForAll("queries") String sql) throws SQLException {
    List<List<Object>> ours = normalize(((StatementResult.Rows) session.execute(sql)).rows());
    List<List<Object>> reference = new ArrayList<>();
    try (Statement s = h2.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      List<Object[]> rows = new ArrayList<>();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getObject(i + 1);
        }
        rows.add(row);
      }
      reference = normalize(rows);
    }
    if (!sql.contains("ORDER BY")) {
      ours.sort(ROW_ORDER);
      reference.sort(ROW_ORDER);
    }
    assertThat(ours).as(sql).isEqualTo(reference);
  }

  /**
   * The write path's own evaluator agrees with H2 too: a WHERE predicate beyond the key is the
   * row's condition, checked inside the row's round, so {@code UPDATE ... WHERE k1 = ? AND k2 = ?
   * AND (p)} applies exactly to the rows on which H2 finds {@code p} true (three-valued logic: not
   * on UNKNOWN).
   */
  @Property(tries = 40)
  void writeConditionsAgreeWithReference(@ForAll("conditions") String predicate)
      throws SQLException {
    List<Object[]> keys = new ArrayList<>();
    try (Statement s = h2.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT k1, k2, CASE WHEN " + predicate + " THEN 1 ELSE 0 END FROM t")) {
      while (rs.next()) {
        keys.add(new Object[] {rs.getInt(1), rs.getString(2), rs.getInt(3)});
      }
    }
    PreparedSql touch =
        session.prepare("UPDATE t SET a = a WHERE k1 = ? AND k2 = ? AND (" + predicate + ")");
    for (Object[] key : keys) {
      long applied = ((StatementResult.UpdateCount) touch.execute(key[0], key[1])).count();
      assertThat(applied)
          .as("%s for key (%s, %s)", predicate, key[0], key[1])
          .isEqualTo((long) (Integer) key[2]);
    }
  }

  @Provide
  Arbitrary<String> conditions() {
    return predicate(3);
  }

  private static final Comparator<List<Object>> ROW_ORDER = Comparator.comparing(Object::toString);

  /** Numbers compared by value (engines pick different numeric types), strings as they are. */
  private static List<List<Object>> normalize(List<Object[]> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] row : rows) {
      List<Object> r = new ArrayList<>();
      for (Object v : row) {
        if (v instanceof Number n) {
          BigDecimal d = new BigDecimal(n.toString());
          r.add(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else {
          r.add(v);
        }
      }
      out.add(r);
    }
    return out;
  }

  @Provide
  Arbitrary<String> queries() {
    return Arbitraries.oneOf(plainQueries(), groupedQueries());
  }

  private Arbitrary<String> plainQueries() {
    Arbitrary<String> projection =
        Arbitraries.of("*", "k1, k2", "k2, a, c", "a + k1, b", "c, k1 * 2", "k1, _version");
    return Combinators.combine(
            projection,
            predicate(3),
            Arbitraries.of(
                "",
                " ORDER BY k1, k2",
                " ORDER BY k1 DESC, k2 LIMIT 3",
                " ORDER BY k2, k1 LIMIT 2 OFFSET 1"))
        .as(
            (p, w, o) -> {
              // H2 has no _version; give it a stand-in of the same value (every row is version 1).
              return "SELECT " + p + " FROM t WHERE " + w + o;
            })
        .filter(q -> !q.contains("_version"))
        .injectDuplicates(0.0);
  }

  private Arbitrary<String> groupedQueries() {
    Arbitrary<String> agg =
        Arbitraries.of(
            "COUNT(*)", "COUNT(a)", "SUM(a)", "MIN(c)", "MAX(b)", "SUM(b)", "COUNT(DISTINCT c)");
    return Combinators.combine(Arbitraries.of("k1", "k2", "c"), agg, predicate(2))
        .as((g, a, w) -> "SELECT " + g + ", " + a + " FROM t WHERE " + w + " GROUP BY " + g);
  }

  private Arbitrary<String> predicate(int depth) {
    Arbitrary<String> atom =
        Arbitraries.oneOf(
            Combinators.combine(
                    Arbitraries.of("k1", "a"),
                    Arbitraries.of("=", "<>", "<", "<=", ">", ">="),
                    Arbitraries.integers().between(-3, 6))
                .as((c, op, v) -> c + " " + op + " " + v),
            Combinators.combine(
                    Arbitraries.of("k2", "c"),
                    Arbitraries.of("=", "<", ">="),
                    Arbitraries.of("a", "b", "c", "x", "xy", "zz"))
                .as((c, op, v) -> c + " " + op + " '" + v + "'"),
            Arbitraries.of("a", "b", "c", "k1").map(c -> c + " IS NULL"),
            Arbitraries.of("a", "b", "c").map(c -> c + " IS NOT NULL"),
            Arbitraries.integers()
                .between(-2, 5)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(
                    l ->
                        "k1 IN ("
                            + String.join(", ", l.stream().map(String::valueOf).toList())
                            + ")"),
            Arbitraries.of("'a'", "'b'", "'d'")
                .list()
                .ofMinSize(1)
                .ofMaxSize(2)
                .map(l -> "k2 IN (" + String.join(", ", l) + ")"),
            Combinators.combine(
                    Arbitraries.integers().between(-5, 3), Arbitraries.integers().between(0, 5))
                .as((lo, w) -> "a BETWEEN " + lo + " AND " + (lo + w)),
            Arbitraries.of("b > 0", "b < -1.5", "b = 0.5", "a * 2 > k1", "a + 1 = k1"),
            Arbitraries.of("c LIKE 'x%'", "c LIKE '_'", "c NOT LIKE '%z%'"),
            Arbitraries.of("TRUE", "k1 = 2 AND k2 = 'b'", "k1 = 1 AND k2 IN ('a', 'c')"));
    if (depth <= 1) {
      return atom;
    }
    Arbitrary<String> sub = predicate(depth - 1);
    return Arbitraries.oneOf(
        atom,
        atom,
        Combinators.combine(sub, sub).as((l, r) -> "(" + l + " AND " + r + ")"),
        Combinators.combine(sub, sub).as((l, r) -> "(" + l + " OR " + r + ")"),
        sub.map(p -> "NOT (" + p + ")"));
  }

  static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }
}
