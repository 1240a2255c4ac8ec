package io.quorumkv.bench.peers.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL through its JDBC driver: table {@code kv (k varchar PRIMARY KEY, v bytea)}, one
 * connection per client in autocommit with its prepared statements. The compare-and-set is {@code
 * UPDATE ... WHERE k = ? AND v = ?}: under READ COMMITTED a concurrent update makes PostgreSQL wait
 * and re-check the condition on the newest row version, so the check and the write are atomic.
 * Durability is the server's ({@code synchronous_commit=on}, fsync on: configured by whoever starts
 * it).
 */
final class PostgresTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresTarget.class);

  static final String SELECT = "SELECT v FROM kv WHERE k = ?";
  static final String UPDATE = "UPDATE kv SET v = ? WHERE k = ?";
  static final String CAS = "UPDATE kv SET v = ? WHERE k = ? AND v = ?";
  private static final int BATCH = 1000;

  private final String url;

  PostgresTarget(String url) throws SQLException {
    this.url = url;
    try (Connection c = DriverManager.getConnection(url)) {
      LOG.info("postgres: {} {}", c.getMetaData().getDatabaseProductVersion(), url);
    }
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public void load(long keys, int valueBytes, int clients) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS kv");
      s.execute("CREATE TABLE kv (k varchar PRIMARY KEY, v bytea NOT NULL)");
    }
    Targets.inParallel(
        keys,
        clients,
        (from, to, random) -> {
          try (Connection c = DriverManager.getConnection(url);
              PreparedStatement insert =
                  c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
            // One transaction per batch: a bulk load, not the measured path.
            c.setAutoCommit(false);
            for (long i = from; i < to; i++) {
              insert.setString(1, Keys.key(i));
              insert.setBytes(2, LoadGenerator.value(random, valueBytes));
              insert.addBatch();
              if ((i - from + 1) % BATCH == 0 || i == to - 1) {
                insert.executeBatch();
                c.commit();
              }
            }
          }
        });
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // What one does after a bulk load: statistics, hint bits and the visibility map up to date.
      s.execute("VACUUM (ANALYZE) kv");
    }
  }

  @Override
  public Client newClient() throws SQLException {
    return new JdbcKvClient(DriverManager.getConnection(url), SELECT, UPDATE, CAS);
  }

  @Override
  public void close() {}
}
