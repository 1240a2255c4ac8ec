package io.quorumkv.server.sql;

import io.quorumkv.executor.PreparedSql;
import io.quorumkv.executor.ResultColumn;
import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.SqlSession;
import io.quorumkv.executor.StatementResult;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.sqlwire.CompactExecute;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's server-side {@link org.apache.calcite.avatica.Meta} over the executor: each JDBC
 * connection is one {@link SqlSession}; each statement holds its {@link PreparedSql} and the rows
 * of its last result, which the client fetches in frames. Results are materialized by the executor,
 * so fetching is slicing.
 *
 * <p>Autocommit only: a statement is committed (atomically per row) when it returns; {@code commit}
 * and {@code rollback} do nothing and turning autocommit off is refused (0A000).
 *
 * <p>A statement the client executes with its signature but that this node does not know (the
 * client failed over from another node) is prepared again under the client's id, so prepared
 * statements survive a failover.
 *
 * <p>Thread-safe: connections are independent; requests on one connection are serialized on it.
 */
public final class QuorumMeta extends MetaImpl implements ProtobufMeta {

  /**
   * The connection property by which a client says which protocol revision it speaks. From revision
   * 2 the client takes an execution's result signature to be its prepared statement's when a result
   * carries none, so the node leaves out a signature the client has (see {@link
   * #elidesSignatures}).
   */
  public static final String PROTOCOL = "quorumkv.protocol";

  /** Rows in a frame when the client does not say. */
  static final int DEFAULT_FRAME_ROWS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(QuorumMeta.class);

  private final SqlEngine engine;
  private final ClusterView cluster;
  private final ConcurrentMap<String, Conn> connections = new ConcurrentHashMap<>();

  /** A Meta serving {@code engine}, without cluster procedures ({@link ClusterView#NONE}). */
  public QuorumMeta(SqlEngine engine) {
    this(engine, ClusterView.NONE);
  }

  /** A Meta serving {@code engine}, answering the cluster procedures from {@code cluster}. */
  public QuorumMeta(SqlEngine engine, ClusterView cluster) {
    super(null);
    this.engine = Objects.requireNonNull(engine, "engine");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
  }

  /**
   * Whether results on this connection may leave out a signature the client has: its client speaks
   * protocol revision 2 or later ({@link #PROTOCOL}).
   */
  boolean elidesSignatures(String connectionId) {
    Conn c = connections.get(connectionId);
    return c != null && c.elidesSignatures;
  }

  /** Open connections, for tests and monitoring. */
  public int openConnections() {
    return connections.size();
  }

  /** One JDBC connection's state. Guarded by itself. */
  private static final class Conn {
    final String id;
    final SqlSession session;
    final ConnectionPropertiesImpl props =
        new ConnectionPropertiesImpl(
            true, false, Connection.TRANSACTION_NONE, null, SqlTypes.SCHEMA);
    final Map<Integer, Stmt> statements = new ConcurrentHashMap<>();
    final boolean elidesSignatures;
    int nextStatementId = 1;

    Conn(String id, SqlSession session, boolean elidesSignatures) {
      this.id = id;
      this.session = session;
      this.elidesSignatures = elidesSignatures;
    }

    Stmt newStatement() {
      Stmt s = new Stmt(nextStatementId++);
      statements.put(s.id, s);
      return s;
    }

    Stmt statementWithId(int id) {
      nextStatementId = Math.max(nextStatementId, id + 1);
      Stmt s = new Stmt(id);
      statements.put(id, s);
      return s;
    }
  }

  /** One statement's state. */
  private static final class Stmt {
    final int id;
    String sql;
    PreparedSql prepared;
    SystemProcedures.Call call;
    Signature signature;

    /** The result columns {@link #signature} describes, as prepared (the plan may change since). */
    List<ResultColumn> signatureColumns;

    List<Object[]> rows;

    Stmt(int id) {
      this.id = id;
    }
  }

  private Conn conn(String id) {
    Conn c = connections.get(id);
    if (c == null) {
      throw new NoSuchConnectionException(id);
    }
    return c;
  }

  private static Stmt stmt(Conn c, StatementHandle h) throws NoSuchStatementException {
    Stmt s = c.statements.get(h.id);
    if (s == null) {
      throw new NoSuchStatementException(h);
    }
    return s;
  }

  // Connections.

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    String schema = info == null ? null : info.get("schema");
    if (schema != null && !schema.isEmpty() && !schema.equalsIgnoreCase(SqlTypes.SCHEMA)) {
      throw SqlErrors.error(
          "schema " + schema + " does not exist; QuorumKV has one schema, " + SqlTypes.SCHEMA,
          "3F000");
    }
    String protocol = info == null ? null : info.get(PROTOCOL);
    boolean elides =
        protocol != null && protocol.matches("[0-9]{1,9}") && Integer.parseInt(protocol) >= 2;
    connections.computeIfAbsent(ch.id, id -> new Conn(id, engine.openSession(), elides));
    LOG.debug("opened connection {}", ch.id);
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    connections.remove(ch.id);
    LOG.debug("closed connection {}", ch.id);
  }

  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties connProps) {
    Conn c = conn(ch.id);
    synchronized (c) {
      if (Boolean.FALSE.equals(connProps.isAutoCommit())) {
        throw SqlErrors.error(
            "QuorumKV is autocommit only: each statement commits on its own (atomically per"
                + " row); transactions across statements are not supported",
            QueryException.FEATURE_NOT_SUPPORTED);
      }
      c.props.merge(connProps);
      c.props.setDirty(false);
      return c.props;
    }
  }

  @Override
  public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
    Map<DatabaseProperty, Object> map = new EnumMap<>(DatabaseProperty.class);
    map.put(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "QuorumKV");
    map.put(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, SqlServer.VERSION);
    map.put(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, 0);
    map.put(DatabaseProperty.GET_DATABASE_MINOR_VERSION, 1);
    map.put(DatabaseProperty.GET_DRIVER_NAME, "QuorumKV JDBC Driver");
    map.put(DatabaseProperty.GET_DRIVER_VERSION, SqlServer.VERSION);
    map.put(DatabaseProperty.GET_DRIVER_MAJOR_VERSION, 0);
    map.put(DatabaseProperty.GET_DRIVER_MINOR_VERSION, 1);
    map.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, Connection.TRANSACTION_NONE);
    map.put(
        DatabaseProperty.GET_S_Q_L_KEYWORDS,
        "DESCRIBE,EXPLAIN,IF,KEY,LIMIT,OFFSET,SHOW,TABLES,UPSERT");
    map.put(DatabaseProperty.GET_NUMERIC_FUNCTIONS, "");
    map.put(DatabaseProperty.GET_STRING_FUNCTIONS, "LOWER,UPPER");
    map.put(DatabaseProperty.GET_SYSTEM_FUNCTIONS, "COALESCE");
    map.put(DatabaseProperty.GET_TIME_DATE_FUNCTIONS, "NOW");
    return map;
  }

  // Statements.

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    Conn c = conn(ch.id);
    synchronized (c) {
      return new StatementHandle(ch.id, c.newStatement().id, null);
    }
  }

  @Override
  public void closeStatement(StatementHandle h) {
    Conn c = connections.get(h.connectionId);
    if (c != null) {
      c.statements.remove(h.id);
    }
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    Conn c = conn(ch.id);
    synchronized (c) {
      Stmt s = c.newStatement();
      try {
        prepareInto(c, s, sql, true);
      } catch (RuntimeException | Error e) {
        c.statements.remove(s.id);
        throw SqlErrors.toAvatica(e);
      }
      return new StatementHandle(ch.id, s.id, s.signature);
    }
  }

  private void prepareInto(Conn c, Stmt s, String sql, boolean clientGetsSignature) {
    prepareInto(c, s, sql, clientGetsSignature, 0);
  }

  /**
   * Prepares {@code sql} into {@code s}. The client has the signature when it gets it now, or when
   * it sent the fingerprint of the very columns this preparation yields (a statement prepared again
   * on this node: after a failover, or routed here by key).
   */
  private void prepareInto(
      Conn c, Stmt s, String sql, boolean clientGetsSignature, int clientFingerprint) {
    s.sql = sql;
    s.rows = null;
    Optional<SystemProcedures.Call> call = SystemProcedures.parse(sql);
    if (call.isPresent()) {
      s.call = call.get();
      s.prepared = null;
      s.signature =
          Signature.create(
              SystemProcedures.columns(s.call),
              sql,
              List.of(),
              CursorFactory.ARRAY,
              StatementType.SELECT);
      return;
    }
    s.call = null;
    s.prepared = c.session.prepare(sql);
    s.signatureColumns = s.prepared.resultColumns();
    List<ColumnMetaData> columns = columns(s.signatureColumns);
    List<AvaticaParameter> params = new ArrayList<>();
    List<ColumnType> types = s.prepared.parameterTypes();
    int[] keySlots = new int[types.size()];
    Arrays.fill(keySlots, -1);
    int[] routing = s.prepared.routingParameters();
    if (routing != null) {
      for (int slot = 0; slot < routing.length; slot++) {
        keySlots[routing[slot]] = slot;
      }
    }
    for (int i = 0; i < types.size(); i++) {
      params.add(SqlTypes.parameter(i, types.get(i), keySlots[i]));
    }
    boolean clientHasIt =
        clientGetsSignature
            || (clientFingerprint != 0 && clientFingerprint == CompactExecute.fingerprint(columns));
    s.signature =
        new CachedSignature(
            clientHasIt,
            columns,
            sql,
            params,
            CursorFactory.ARRAY,
            SqlText.statementType(sql, s.prepared.returnsRows()));
  }

  private static List<ColumnMetaData> columns(List<ResultColumn> result) {
    List<ColumnMetaData> columns = new ArrayList<>();
    for (int i = 0; i < result.size(); i++) {
      columns.add(SqlTypes.column(i, result.get(i)));
    }
    return columns;
  }

  @Override
  @SuppressWarnings("deprecation")
  public ExecuteResult prepareAndExecute(
      StatementHandle h, String sql, long maxRowCount, PrepareCallback callback)
      throws NoSuchStatementException {
    return prepareAndExecute(h, sql, maxRowCount, -1, callback);
  }

  @Override
  public ExecuteResult prepareAndExecute(
      StatementHandle h,
      String sql,
      long maxRowCount,
      int maxRowsInFirstFrame,
      PrepareCallback callback)
      throws NoSuchStatementException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = stmt(c, h);
      try {
        prepareInto(c, s, sql, false);
        return run(c, s, List.of(), maxRowCount, maxRowsInFirstFrame);
      } catch (RuntimeException | Error e) {
        throw SqlErrors.toAvatica(e);
      }
    }
  }

  @Override
  @SuppressWarnings("deprecation")
  public ExecuteResult execute(
      StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
      throws NoSuchStatementException {
    return execute(h, parameterValues, (int) Math.min(Integer.MAX_VALUE, maxRowCount));
  }

  @Override
  public ExecuteResult execute(
      StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
      throws NoSuchStatementException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = c.statements.get(h.id);
      try {
        if (s == null || (s.prepared == null && s.call == null)) {
          s = recover(c, h);
        }
        return run(c, s, params(parameterValues), -1, maxRowsInFirstFrame);
      } catch (RuntimeException | Error e) {
        throw SqlErrors.toAvatica(e);
      }
    }
  }

  /**
   * Starts an execution that does not wait for the store (a primary-key point SELECT, or a write of
   * one row by its primary key: see {@link PreparedSql#executeAsync}), or returns null before
   * anything was sent to the store: then the caller runs {@link #execute(StatementHandle, List,
   * int)} on a worker, which also reports any error. The future completes on the store's thread
   * with the result {@link #execute(StatementHandle, List, int)} would give, or exceptionally with
   * the failure it would throw (answer it with {@link SqlErrors#toAvatica}). It completes with
   * null, meaning the statement must run on a worker after all, only for a read (a row under a
   * newer schema); never for a write, which the store may have applied by then. Requests of one
   * connection must not overlap (the SQL endpoint runs them one at a time).
   */
  CompletableFuture<ExecuteResult> executeAsync(
      StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame) {
    // Runs on the event loop and the store's threads, so it never takes the connection's lock (a
    // worker may hold it for as long as the store takes, e.g. a request of a connection re-opened
    // after a timeout): it only reads the statement, and the result of a statement that takes this
    // path (one row at most) goes whole into its first frame, so no state is kept for fetches.
    Conn c = connections.get(h.connectionId);
    Stmt s = c == null ? null : c.statements.get(h.id);
    PreparedSql prepared = s == null ? null : s.prepared;
    Signature prepSignature = s == null ? null : s.signature;
    List<ResultColumn> prepColumns = s == null ? null : s.signatureColumns;
    if (prepared == null
        || prepSignature == null
        || prepColumns == null
        || maxRowsInFirstFrame < 0) {
      return null;
    }
    CompletableFuture<StatementResult> started;
    try {
      started = prepared.executeAsync(params(parameterValues));
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError v) {
        throw v;
      }
      // Thrown before the store was asked: the worker runs it again and answers with the error.
      return null;
    }
    if (started == null) {
      return null;
    }
    int frameRows = maxRowsInFirstFrame > 0 ? maxRowsInFirstFrame : DEFAULT_FRAME_ROWS;
    return started.thenApply(
        result -> {
          if (result == null) {
            return null; // a read only (PreparedSql.executeAsync's contract)
          }
          if (result instanceof StatementResult.UpdateCount count) {
            return new ExecuteResult(List.of(MetaResultSet.count(c.id, s.id, count.count())));
          }
          StatementResult.Rows rows = (StatementResult.Rows) result;
          Frame first = frame(rows.rows(), 0, Math.max(frameRows, rows.rows().size()));
          return new ExecuteResult(
              List.of(
                  MetaResultSet.create(
                      c.id, s.id, false, signature(rows, prepColumns, prepSignature), first)));
        });
  }

  /** Prepares a statement the client knows but this node does not (after a failover). */
  private Stmt recover(Conn c, StatementHandle h) throws NoSuchStatementException {
    if (h.signature == null || h.signature.sql == null) {
      throw new NoSuchStatementException(h);
    }
    Stmt s = c.statementWithId(h.id);
    prepareInto(c, s, h.signature.sql, false, CompactExecute.fingerprintOf(h));
    LOG.debug("re-prepared statement {} of connection {} after a failover", h.id, c.id);
    return s;
  }

  private static List<Object> params(List<TypedValue> values) {
    if (values == null) {
      return List.of();
    }
    List<Object> out = new ArrayList<>(values.size());
    for (TypedValue v : values) {
      out.add(SqlTypes.parameterValue(v));
    }
    return out;
  }

  private ExecuteResult run(
      Conn c, Stmt s, List<Object> params, long maxRowCount, int maxRowsInFirstFrame) {
    s.rows = null;
    if (s.call != null) {
      List<Object[]> rows = SystemProcedures.run(s.call, engine.catalog(), cluster);
      return new ExecuteResult(
          List.of(rowsResult(c, s, s.signature, rows, maxRowCount, maxRowsInFirstFrame)));
    }
    return result(c, s, s.prepared.execute(params), maxRowCount, maxRowsInFirstFrame);
  }

  private ExecuteResult result(
      Conn c, Stmt s, StatementResult result, long maxRowCount, int maxRowsInFirstFrame) {
    if (result instanceof StatementResult.UpdateCount count) {
      return new ExecuteResult(List.of(MetaResultSet.count(c.id, s.id, count.count())));
    }
    StatementResult.Rows rows = (StatementResult.Rows) result;
    return new ExecuteResult(
        List.of(
            rowsResult(
                c,
                s,
                signature(rows, s.signatureColumns, s.signature),
                rows.rows(),
                maxRowCount,
                maxRowsInFirstFrame)));
  }

  /**
   * The signature of {@code rows}: usually the one prepared, whose columns the client has, reused
   * rather than rebuilt per execution. Rows whose columns differ get their own: a conditional
   * write's outcome after the table changed while it ran, or any result after the statement was
   * planned again for a changed table (its columns then differ from the ones the client was given
   * at prepare time, which is what counts, not the new plan's).
   */
  private static Signature signature(
      StatementResult.Rows rows, List<ResultColumn> preparedColumns, Signature preparedSignature) {
    if (rows.columns().equals(preparedColumns)) {
      return preparedSignature;
    }
    return Signature.create(
        columns(rows.columns()),
        preparedSignature.sql,
        preparedSignature.parameters,
        CursorFactory.ARRAY,
        preparedSignature.statementType);
  }

  private static MetaResultSet rowsResult(
      Conn c,
      Stmt s,
      Signature signature,
      List<Object[]> rows,
      long maxRowCount,
      int maxRowsInFirstFrame) {
    List<Object[]> limited =
        maxRowCount > 0 && rows.size() > maxRowCount ? rows.subList(0, (int) maxRowCount) : rows;
    s.rows = limited;
    int frameRows = maxRowsInFirstFrame > 0 ? maxRowsInFirstFrame : DEFAULT_FRAME_ROWS;
    return MetaResultSet.create(c.id, s.id, false, signature, frame(limited, 0, frameRows));
  }

  private static Frame frame(List<Object[]> rows, long offset, int maxRows) {
    int from = (int) Math.min(offset, rows.size());
    int to = (int) Math.min(rows.size(), (long) from + Math.max(maxRows, 1));
    return new Frame(
        offset, to >= rows.size(), Collections.unmodifiableList(rows.subList(from, to)));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = stmt(c, h);
      if (s.rows == null) {
        throw new MissingResultsException(h);
      }
      return frame(s.rows, offset, fetchMaxRowCount > 0 ? fetchMaxRowCount : DEFAULT_FRAME_ROWS);
    }
  }

  /**
   * Re-creates a read's result on this node (the client's cursor came from another node). Only
   * reads are run again; for anything else there are no more results.
   */
  @Override
  public boolean syncResults(StatementHandle h, QueryState state, long offset)
      throws NoSuchStatementException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = c.statements.get(h.id);
      if (s == null) {
        s = c.statementWithId(h.id);
      }
      String sql = state == null ? null : state.sql;
      if (sql == null || !(SqlText.isRead(sql) || SqlText.firstKeyword(sql).equals("CALL"))) {
        return false;
      }
      try {
        prepareInto(c, s, sql, false);
        run(c, s, List.of(), -1, 1);
      } catch (RuntimeException | Error e) {
        throw SqlErrors.toAvatica(e);
      }
      return s.rows != null && offset < s.rows.size();
    }
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = stmt(c, h);
      long[] counts = new long[sqlCommands.size()];
      for (int i = 0; i < counts.length; i++) {
        try {
          prepareInto(c, s, sqlCommands.get(i), false);
          counts[i] = updateCount(c, s, List.of(), i);
        } catch (RuntimeException | Error e) {
          throw batchError(e, i);
        }
      }
      return new ExecuteBatchResult(counts);
    }
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
      throws NoSuchStatementException {
    Conn c = conn(h.connectionId);
    synchronized (c) {
      Stmt s = c.statements.get(h.id);
      if (s == null || (s.prepared == null && s.call == null)) {
        // A later request of a batch the driver sends in parts, after a failover.
        s = recover(c, h);
      }
      long[] counts = new long[parameterValues.size()];
      for (int i = 0; i < counts.length; i++) {
        try {
          counts[i] = updateCount(c, s, params(parameterValues.get(i)), i);
        } catch (RuntimeException | Error e) {
          throw batchError(e, i);
        }
      }
      return new ExecuteBatchResult(counts);
    }
  }

  /** Batches as the protobuf transport delivers them (Avatica keeps them in protobuf form). */
  @Override
  public ExecuteBatchResult executeBatchProtobuf(
      StatementHandle h, List<Requests.UpdateBatch> parameterValues)
      throws NoSuchStatementException {
    List<List<TypedValue>> batches = new ArrayList<>(parameterValues.size());
    for (Requests.UpdateBatch batch : parameterValues) {
      List<TypedValue> values = new ArrayList<>(batch.getParameterValuesCount());
      for (Common.TypedValue v : batch.getParameterValuesList()) {
        values.add(ExactBytesTranslation.typedValue(v));
      }
      batches.add(values);
    }
    return executeBatch(h, batches);
  }

  /** The update count of one batch entry; for a conditional write, the rows applied. */
  private long updateCount(Conn c, Stmt s, List<Object> params, int index) {
    ExecuteResult r = run(c, s, params, -1, Integer.MAX_VALUE);
    MetaResultSet rs = r.resultSets.get(0);
    if (rs.updateCount != -1) {
      return rs.updateCount;
    }
    int applied = -1;
    List<ColumnMetaData> cols = rs.signature.columns;
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).label.equalsIgnoreCase("applied")) {
        applied = i;
      }
    }
    if (applied < 0) {
      throw new QueryException(
          QueryException.INVALID_STATEMENT,
          "batch entry " + (index + 1) + " is a query; a batch takes writes only");
    }
    long n = 0;
    for (Object[] row : s.rows) {
      if (Boolean.TRUE.equals(row[applied])) {
        n++;
      }
    }
    s.rows = null;
    return n;
  }

  private static AvaticaRuntimeException batchError(Throwable e, int index) {
    AvaticaRuntimeException a = SqlErrors.toAvatica(e);
    return SqlErrors.error(
        "batch entry "
            + (index + 1)
            + " failed (the entries before it were applied, none after it): "
            + a.getErrorMessage(),
        a.getSqlState());
  }

  @Override
  public void commit(ConnectionHandle ch) {
    conn(ch.id);
  }

  @Override
  public void rollback(ConnectionHandle ch) {
    conn(ch.id);
  }

  // Database metadata.

  private MetaResultSet metadata(
      ConnectionHandle ch, List<ColumnMetaData> columns, List<Object[]> rows) {
    Conn c = conn(ch.id);
    synchronized (c) {
      Stmt s = c.newStatement();
      s.rows = rows;
      Signature signature =
          Signature.create(columns, "", List.of(), CursorFactory.ARRAY, StatementType.SELECT);
      s.signature = signature;
      return MetaResultSet.create(c.id, s.id, true, signature, frame(rows, 0, Integer.MAX_VALUE));
    }
  }

  @Override
  public MetaResultSet getTables(
      ConnectionHandle ch,
      String catalog,
      Pat schemaPattern,
      Pat tableNamePattern,
      List<String> typeList) {
    return metadata(
        ch,
        Metadata.columnsOf(MetaTable.class),
        Metadata.tables(engine.catalog().tables(), schemaPattern.s, tableNamePattern.s, typeList));
  }

  @Override
  public MetaResultSet getColumns(
      ConnectionHandle ch,
      String catalog,
      Pat schemaPattern,
      Pat tableNamePattern,
      Pat columnNamePattern) {
    return metadata(
        ch,
        Metadata.columnsOf(MetaColumn.class),
        Metadata.columns(
            engine.catalog().tables(), schemaPattern.s, tableNamePattern.s, columnNamePattern.s));
  }

  @Override
  public MetaResultSet getPrimaryKeys(
      ConnectionHandle ch, String catalog, String schema, String table) {
    return metadata(
        ch,
        Metadata.PRIMARY_KEY_COLUMNS,
        SystemProcedures.run(
            new SystemProcedures.Call(
                SystemProcedures.PRIMARY_KEYS, List.of(table == null ? "%" : table)),
            engine.catalog(),
            cluster));
  }

  @Override
  public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
    List<Object[]> rows = new ArrayList<>();
    if (Metadata.schemaMatches(schemaPattern.s)) {
      rows.add(Metadata.rowOf(new MetaSchema(null, SqlTypes.SCHEMA)));
    }
    return metadata(ch, Metadata.columnsOf(MetaSchema.class), rows);
  }

  @Override
  public MetaResultSet getCatalogs(ConnectionHandle ch) {
    return metadata(ch, Metadata.columnsOf(MetaCatalog.class), List.of());
  }

  @Override
  public MetaResultSet getTableTypes(ConnectionHandle ch) {
    return metadata(
        ch,
        Metadata.columnsOf(MetaTableType.class),
        List.<Object[]>of(Metadata.rowOf(new MetaTableType("TABLE"))));
  }

  @Override
  public MetaResultSet getTypeInfo(ConnectionHandle ch) {
    return metadata(ch, Metadata.columnsOf(MetaTypeInfo.class), Metadata.typeInfo());
  }
}
