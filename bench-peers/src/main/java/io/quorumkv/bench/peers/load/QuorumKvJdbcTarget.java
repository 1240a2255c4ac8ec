package io.quorumkv.bench.peers.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * QuorumKV through its JDBC driver: table {@code kv (k VARCHAR PRIMARY KEY, v VARBINARY)}, one
 * connection per client (the driver spreads connections over the URL's seeds). Reads are
 * linearizable point reads; the compare-and-set is {@code UPDATE ... IF v = ?}, decided inside the
 * key's Paxos round, its update count saying whether it applied.
 */
final class QuorumKvJdbcTarget implements Target {

  static final String SELECT = "SELECT v FROM kv WHERE k = ?";
  static final String UPDATE = "UPDATE kv SET v = ? WHERE k = ?";
  static final String CAS = "UPDATE kv SET v = ? WHERE k = ? IF v = ?";
  private static final int BATCH = 100;

  private final String url;

  QuorumKvJdbcTarget(String url) throws SQLException {
    this.url = url;
    DriverManager.getConnection(url).close(); // fail here, not in the first client, if unreachable
  }

  @Override
  public String name() {
    return "quorumkv-jdbc";
  }

  /**
   * Creates the table if missing and (over)writes every key: rows are replicated keys, and dropping
   * a table deletes its rows one by one, so an existing table is rewritten in place instead.
   */
  @Override
  public void load(long keys, int valueBytes, int clients) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS kv (k VARCHAR PRIMARY KEY, v VARBINARY)");
    }
    Targets.inParallel(
        keys,
        clients,
        (from, to, random) -> {
          try (Connection c = DriverManager.getConnection(url);
              PreparedStatement upsert =
                  c.prepareStatement("UPSERT INTO kv (k, v) VALUES (?, ?)")) {
            for (long i = from; i < to; i++) {
              upsert.setString(1, Keys.key(i));
              upsert.setBytes(2, LoadGenerator.value(random, valueBytes));
              upsert.addBatch();
              if ((i - from + 1) % BATCH == 0 || i == to - 1) {
                upsert.executeBatch();
              }
            }
          }
        });
  }

  @Override
  public Client newClient() throws SQLException {
    return new JdbcKvClient(DriverManager.getConnection(url), SELECT, UPDATE, CAS);
  }

  @Override
  public void close() {}
}
