package io.quorumkv.bench.peers.ycsb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB's {@link DB} for QuorumKV over its JDBC driver: one record is one row of {@code usertable
 * (YCSB_KEY VARCHAR PRIMARY KEY, FIELD0 VARBINARY, ..., FIELDn-1 VARBINARY)}, so it is one
 * Paxos-replicated key and every operation on it is atomic and linearizable.
 *
 * <p>YCSB creates one instance per client thread; each has its own connection in autocommit and
 * prepares each statement shape (the fields read or written) once. Properties:
 *
 * <ul>
 *   <li>{@code quorumkv.url} (required): e.g. {@code jdbc:quorumkv://127.0.0.2:7300,127.0.0.3:7300}
 *   <li>{@code table}, {@code fieldcount}, {@code fieldnameprefix}: YCSB's own (defaults {@code
 *       usertable}, 10, {@code field}); a field {@code fieldN} is the column {@code FIELDN}
 *   <li>{@code quorumkv.createtable} (default true): create the table if it does not exist
 * </ul>
 *
 * <p>{@code insert} writes the whole record with {@code UPSERT}, so repeating YCSB's load phase
 * overwrites instead of failing; {@code update} writes only the given fields of an existing record
 * ({@link Status#NOT_FOUND} if there is none); {@code scan} reads {@code recordcount} records from
 * {@code startkey} in key order.
 */
public class QuorumKvJdbcBinding extends DB {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumKvJdbcBinding.class);

  /** The key column. */
  public static final String KEY_COLUMN = "YCSB_KEY";

  private static final AtomicInteger FAILURES = new AtomicInteger();

  private Connection connection;
  private List<String> fieldNames;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  @Override
  public void init() throws DBException {
    Properties p = getProperties();
    String url = p.getProperty("quorumkv.url");
    if (url == null) {
      throw new DBException("set quorumkv.url, e.g. jdbc:quorumkv://127.0.0.2:7300");
    }
    int fieldCount = Integer.parseInt(p.getProperty("fieldcount", "10"));
    String prefix = p.getProperty("fieldnameprefix", "field");
    fieldNames = new ArrayList<>();
    for (int i = 0; i < fieldCount; i++) {
      fieldNames.add(prefix + i);
    }
    try {
      connection = DriverManager.getConnection(url);
      connection.setAutoCommit(true);
      if (Boolean.parseBoolean(p.getProperty("quorumkv.createtable", "true"))) {
        try (Statement s = connection.createStatement()) {
          s.execute(createTable(p.getProperty("table", "usertable"), fieldNames));
        }
      }
    } catch (SQLException e) {
      throw new DBException("connecting to " + url + ": " + e.getMessage(), e);
    }
  }

  /** The table's DDL for these YCSB field names. */
  public static String createTable(String table, List<String> fieldNames) {
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ");
    sql.append(table).append(" (").append(KEY_COLUMN).append(" VARCHAR PRIMARY KEY");
    for (String f : fieldNames) {
      sql.append(", ").append(column(f)).append(" VARBINARY");
    }
    return sql.append(')').toString();
  }

  private static String column(String field) {
    // Quoted and upper case: what an unquoted field name folds to, safe for any field name.
    return '"' + field.toUpperCase(java.util.Locale.ROOT).replace("\"", "\"\"") + '"';
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement s = statements.get(sql);
    if (s == null) {
      s = connection.prepareStatement(sql);
      statements.put(sql, s);
    }
    return s;
  }

  private List<String> fields(Set<String> fields) {
    return fields == null ? fieldNames : new ArrayList<>(fields);
  }

  private static String columns(List<String> fields) {
    StringBuilder sql = new StringBuilder();
    for (String f : fields) {
      sql.append(sql.length() == 0 ? "" : ", ").append(column(f));
    }
    return sql.toString();
  }

  private static void readRow(
      ResultSet rs, int first, List<String> fields, Map<String, ByteIterator> into)
      throws SQLException {
    for (int i = 0; i < fields.size(); i++) {
      byte[] v = rs.getBytes(first + i);
      if (v != null) {
        into.put(fields.get(i), new ByteArrayByteIterator(v));
      }
    }
  }

  @Override
  public Status read(
      String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    List<String> f = fields(fields);
    try {
      PreparedStatement s =
          statement("SELECT " + columns(f) + " FROM " + table + " WHERE " + KEY_COLUMN + " = ?");
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Status.NOT_FOUND;
        }
        readRow(rs, 1, f, result);
        return Status.OK;
      }
    } catch (SQLException e) {
      return error("read", key, e);
    }
  }

  @Override
  public Status scan(
      String table,
      String startkey,
      int recordcount,
      Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    List<String> f = fields(fields);
    try {
      PreparedStatement s =
          statement(
              "SELECT "
                  + columns(f)
                  + " FROM "
                  + table
                  + " WHERE "
                  + KEY_COLUMN
                  + " >= ? ORDER BY "
                  + KEY_COLUMN
                  + " LIMIT ?");
      s.setString(1, startkey);
      s.setInt(2, recordcount);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          HashMap<String, ByteIterator> row = new HashMap<>();
          readRow(rs, 1, f, row);
          result.add(row);
        }
      }
      return Status.OK;
    } catch (SQLException e) {
      return error("scan", startkey, e);
    }
  }

  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    List<String> f = new ArrayList<>(values.keySet());
    StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
    for (int i = 0; i < f.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(column(f.get(i))).append(" = ?");
    }
    sql.append(" WHERE ").append(KEY_COLUMN).append(" = ?");
    try {
      PreparedStatement s = statement(sql.toString());
      for (int i = 0; i < f.size(); i++) {
        s.setBytes(i + 1, values.get(f.get(i)).toArray());
      }
      s.setString(f.size() + 1, key);
      return s.executeUpdate() == 1 ? Status.OK : Status.NOT_FOUND;
    } catch (SQLException e) {
      return error("update", key, e);
    }
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    List<String> f = new ArrayList<>(values.keySet());
    String sql =
        "UPSERT INTO "
            + table
            + " ("
            + KEY_COLUMN
            + (f.isEmpty() ? "" : ", " + columns(f))
            + ") VALUES (?"
            + ", ?".repeat(f.size())
            + ")";
    try {
      PreparedStatement s = statement(sql);
      s.setString(1, key);
      for (int i = 0; i < f.size(); i++) {
        s.setBytes(i + 2, values.get(f.get(i)).toArray());
      }
      s.executeUpdate();
      return Status.OK;
    } catch (SQLException e) {
      return error("insert", key, e);
    }
  }

  @Override
  public Status delete(String table, String key) {
    try {
      PreparedStatement s = statement("DELETE FROM " + table + " WHERE " + KEY_COLUMN + " = ?");
      s.setString(1, key);
      return s.executeUpdate() == 1 ? Status.OK : Status.NOT_FOUND;
    } catch (SQLException e) {
      return error("delete", key, e);
    }
  }

  private static Status error(String op, String key, SQLException e) {
    // YCSB counts the statuses; the first few causes are worth seeing.
    if (FAILURES.incrementAndGet() <= 5) {
      LOG.warn("{} {} failed: {}", op, key, e.toString());
    }
    return Status.ERROR;
  }

  @Override
  public void cleanup() throws DBException {
    if (connection == null) {
      return;
    }
    try {
      connection.close(); // closes its statements
    } catch (SQLException e) {
      throw new DBException("closing the connection: " + e.getMessage(), e);
    } finally {
      connection = null;
      statements.clear();
    }
  }
}
