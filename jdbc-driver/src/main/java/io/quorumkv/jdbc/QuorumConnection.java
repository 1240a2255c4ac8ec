package io.quorumkv.jdbc;

import io.quorumkv.jdbc.transport.FrameTransport;
import java.sql.BatchUpdateException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.Helper;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to one node at a time (see {@link FrameTransport} for failover). Autocommit only:
 * every statement is committed when it returns (atomic per row), so {@code setAutoCommit(false)} is
 * refused and {@code commit}/{@code rollback} have nothing to do. {@link #isValid(int)} makes a
 * round trip to the node, so connection pools notice a dead node.
 *
 * <p>Thread-safety as JDBC connections: requests are serialized, one exchange at a time.
 */
public final class QuorumConnection extends AvaticaConnection {

  private static final Logger LOG = LoggerFactory.getLogger(QuorumConnection.class);

  /** Internal property prefix: the options of the URL and of the caller's properties. */
  static final String OPTION_PREFIX = "quorumkv.option.";

  // Assigned while Avatica's constructor runs (createMeta), so neither may have an initializer.
  private FrameTransport transport;
  private QuorumUrl quorumUrl;
  // Avatica asks for the config (and parses the time zone from it) on every execution; both are
  // fixed for the connection's life, so they are made once.
  private QuorumConnectionConfig config;
  private TimeZone timeZone;

  QuorumConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
    super(driver, factory, url, info);
  }

  @Override
  public ConnectionConfig config() {
    QuorumConnectionConfig c = config;
    if (c == null) {
      c = new QuorumConnectionConfig(info, this);
      config = c;
    }
    return c;
  }

  /** The zone TIMESTAMP values are shown in (the {@code timeZone} option, else the JVM's). */
  @Override
  public TimeZone getTimeZone() {
    TimeZone z = timeZone;
    if (z == null) {
      z = super.getTimeZone();
      timeZone = z;
    }
    return z;
  }

  /** The URL the application connected with, parsed, with its options. */
  public synchronized QuorumUrl quorumUrl() {
    if (quorumUrl == null) {
      Properties options = new Properties();
      for (String name : info.stringPropertyNames()) {
        if (name.startsWith(OPTION_PREFIX)) {
          options.setProperty(name.substring(OPTION_PREFIX.length()), info.getProperty(name));
        }
      }
      try {
        quorumUrl = QuorumUrl.parse(info.getProperty(QuorumDriver.ORIGINAL_URL), options);
      } catch (SQLException e) {
        throw new IllegalStateException("the driver passed an invalid URL", e);
      }
    }
    return quorumUrl;
  }

  /**
   * Sends a prepared statement's batch in requests of {@link QuorumUrl#batchChunk()} entries, so a
   * failure says which entries are known to be applied: those of the requests before the failed one
   * (their counts are the {@link BatchUpdateException}'s update counts), while the failed request's
   * entries are applied up to the entry the node names (a statement error) or of unknown outcome
   * (SQLState 08007: the connection broke while the request was in flight), and later entries were
   * not sent.
   */
  @Override
  protected long[] executeBatchUpdateInternal(AvaticaPreparedStatement statement)
      throws SQLException {
    if (!(statement instanceof QuorumPreparedStatement q)) {
      return super.executeBatchUpdateInternal(statement);
    }
    List<List<TypedValue>> all = q.batch();
    int chunk = quorumUrl().batchChunk();
    long[] counts = new long[all.size()];
    for (int from = 0; from < all.size(); from += chunk) {
      int to = Math.min(all.size(), from + chunk);
      long[] part;
      try {
        part = meta.executeBatch(statement.handle, List.copyOf(all.subList(from, to))).updateCounts;
      } catch (NoSuchStatementException | RuntimeException e) {
        throw batchFailure(e, Arrays.copyOf(counts, from), from, to, all.size());
      }
      System.arraycopy(part, 0, counts, from, part.length);
    }
    return counts;
  }

  private static BatchUpdateException batchFailure(
      Exception e, long[] applied, int from, int to, int size) {
    SQLException cause = Helper.INSTANCE.createException(e.getMessage(), e);
    String message;
    if (from == 0 && to == size) {
      message = cause.getMessage();
    } else {
      message =
          "the batch request with entries "
              + (from + 1)
              + ".."
              + to
              + " of "
              + size
              + " failed"
              + (from > 0 ? " (entries 1.." + from + " were applied)" : "")
              + (to < size ? "; entries " + (to + 1) + ".." + size + " were not sent" : "")
              + ": "
              + cause.getMessage()
              + (from > 0
                  ? " (the node numbers entries within the request: its entry 1 is entry "
                      + (from + 1)
                      + ")"
                  : "");
    }
    return new BatchUpdateException(
        message, cause.getSQLState(), cause.getErrorCode(), applied, cause);
  }

  /** The URL the application connected with. */
  String originalUrl() {
    return info.getProperty(QuorumDriver.ORIGINAL_URL);
  }

  /** Called by the transport factory: the transport to close with this connection. */
  public synchronized void attach(FrameTransport transport) {
    this.transport = transport;
  }

  /** The transport of this connection (to see which node it is on), or null. */
  public synchronized FrameTransport transport() {
    return transport;
  }

  @Override
  public void close() throws SQLException {
    try {
      super.close();
    } catch (SQLException | RuntimeException e) {
      // The node may be gone; the connection is closed on our side either way.
      LOG.debug("closing the connection on the node failed", e);
    } finally {
      FrameTransport t = transport();
      if (t != null) {
        t.close();
      }
    }
  }

  /** Makes a round trip to the node (reconnecting to another seed if needed) within the timeout. */
  @Override
  public boolean isValid(int timeoutSeconds) throws SQLException {
    if (timeoutSeconds < 0) {
      throw new SQLException("timeout is less than 0", "HY000");
    }
    if (isClosed()) {
      return false;
    }
    try {
      FrameTransport.withTimeout(
          timeoutSeconds * 1000,
          () ->
              invokeWithRetries(
                  () ->
                      getService()
                          .apply(
                              new Service.ConnectionSyncRequest(
                                  id, new ConnectionPropertiesImpl()))));
      return true;
    } catch (RuntimeException e) {
      LOG.debug("isValid: the node did not answer", e);
      return false;
    }
  }

  /**
   * Accepts {@code true} only.
   *
   * @throws SQLFeatureNotSupportedException (0A000) for {@code false}: there are no transactions
   *     across statements
   */
  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (!autoCommit) {
      throw new SQLFeatureNotSupportedException(
          "QuorumKV is autocommit only: each statement commits on its own (atomically per row);"
              + " transactions across statements are not supported",
          "0A000");
    }
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return true;
  }

  /** Nothing to do: every statement was committed when it returned. */
  @Override
  public void commit() throws SQLException {
    checkOpen();
  }

  /** Nothing to undo: every statement was committed when it returned. */
  @Override
  public void rollback() throws SQLException {
    checkOpen();
  }

  /** Runs a prepared statement's execution, sending its signature so a new node can re-prepare. */
  ResultSet executePrepared(AvaticaStatement statement, Meta.Signature signature)
      throws SQLException {
    return executeQueryInternal(statement, signature, null, new QueryState(signature.sql), false);
  }

  /** A body that may throw {@link SQLException}. */
  interface SqlCall<T> {
    T call() throws SQLException;
  }

  /**
   * Runs {@code body} with its requests sent to the seed chosen by {@code route} (a hash of the
   * statement's key values; null: wherever the connection is), see {@link
   * FrameTransport#withRoute}.
   */
  static <T> T routed(Integer route, SqlCall<T> body) throws SQLException {
    return route == null ? body.call() : around(body, b -> FrameTransport.withRoute(route, b));
  }

  /** Runs {@code body} with the statement's query timeout (seconds; 0: the connection's). */
  static <T> T withQueryTimeout(int seconds, SqlCall<T> body) throws SQLException {
    return seconds <= 0
        ? body.call()
        : around(body, b -> FrameTransport.withTimeout(seconds * 1000, b));
  }

  /** Runs {@code body} inside {@code wrapper}, which takes a Supplier: the SQLException tunnels. */
  private static <T> T around(SqlCall<T> body, Function<Supplier<T>, T> wrapper)
      throws SQLException {
    SQLException[] failure = new SQLException[1];
    T result =
        wrapper.apply(
            () -> {
              try {
                return body.call();
              } catch (SQLException e) {
                failure[0] = e;
                return null;
              }
            });
    if (failure[0] != null) {
      throw failure[0];
    }
    return result;
  }
}
