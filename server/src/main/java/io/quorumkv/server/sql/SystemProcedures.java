package io.quorumkv.server.sql;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.schema.ValueException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;

/**
 * Procedures the SQL endpoint answers itself, called as {@code CALL NAME('arg', ...)} (the dialect
 * has no {@code CALL}, so they cannot clash with a statement):
 *
 * <ul>
 *   <li>{@code QUORUMKV_PRIMARY_KEYS('table pattern')}: the primary key columns in the shape of
 *       {@link java.sql.DatabaseMetaData#getPrimaryKeys}, which Avatica's protocol has no request
 *       for; the driver's metadata calls it.
 *   <li>{@code QUORUMKV_NODES()}: every node as seen from the serving node (id, zone, peer address,
 *       up/down, SQL address and state writes where known).
 *   <li>{@code QUORUMKV_REPLICAS('TABLE', 'key value', ...)}: the replica group of the row with
 *       that primary key (values as text, converted to the key columns' types), with each replica's
 *       locally learned version of the key where it can be read, the key's chosen version (a
 *       linearizable read) and the lag; {@code QUORUMKV_REPLICAS('raw key')} does the same for a
 *       store key given as UTF-8 text, or as hex with an {@code x:} prefix.
 *   <li>{@code QUORUMKV_SEGMENTS()}: every segment of the cluster map (epoch, replicas, their
 *       zones, stable or moving, key count); {@code QUORUMKV_SPLIT_SEGMENTS()} doubles the segment
 *       count; {@code QUORUMKV_DECOMMISSION('id')} moves a node's segments away before it leaves.
 *   <li>{@code QUORUMKV_STOP_NODE('id')}, {@code QUORUMKV_START_NODE('id')}: stop or start a node
 *       of the local cluster ({@code bin/quorumkv local}); {@code QUORUMKV_ADD_NODE()} starts a new
 *       node there that joins the cluster, {@code QUORUMKV_REMOVE_NODE('id')} decommissions one and
 *       stops it once it has left; elsewhere 0A000.
 * </ul>
 *
 * <p>The cluster facts and actions come from a {@link ClusterView}.
 */
final class SystemProcedures {

  static final String PRIMARY_KEYS = "QUORUMKV_PRIMARY_KEYS";

  static final String NODES = "QUORUMKV_NODES";
  static final String REPLICAS = "QUORUMKV_REPLICAS";
  static final String STOP_NODE = "QUORUMKV_STOP_NODE";
  static final String START_NODE = "QUORUMKV_START_NODE";
  static final String ADD_NODE = "QUORUMKV_ADD_NODE";
  static final String REMOVE_NODE = "QUORUMKV_REMOVE_NODE";
  static final String SEGMENTS = "QUORUMKV_SEGMENTS";
  static final String SPLIT_SEGMENTS = "QUORUMKV_SPLIT_SEGMENTS";
  static final String DECOMMISSION = "QUORUMKV_DECOMMISSION";

  static final List<String> CLUSTER =
      List.of(
          NODES,
          REPLICAS,
          SEGMENTS,
          SPLIT_SEGMENTS,
          DECOMMISSION,
          STOP_NODE,
          START_NODE,
          ADD_NODE,
          REMOVE_NODE);

  static final List<ColumnMetaData> NODE_COLUMNS =
      List.of(
          MetaImpl.columnMetaData("NODE_ID", 0, int.class, false),
          MetaImpl.columnMetaData("ZONE", 1, String.class, true),
          MetaImpl.columnMetaData("STATUS", 2, String.class, false),
          MetaImpl.columnMetaData("SEEN_FROM", 3, int.class, false),
          MetaImpl.columnMetaData("ADDRESS", 4, String.class, false),
          MetaImpl.columnMetaData("SQL_ADDRESS", 5, String.class, true),
          MetaImpl.columnMetaData("STATE_WRITES", 6, Long.class, true),
          MetaImpl.columnMetaData("SEGMENTS", 7, Integer.class, true));

  static final List<ColumnMetaData> SEGMENT_COLUMNS =
      List.of(
          MetaImpl.columnMetaData("SEGMENT", 0, int.class, false),
          MetaImpl.columnMetaData("EPOCH", 1, long.class, false),
          MetaImpl.columnMetaData("REPLICAS", 2, String.class, false),
          MetaImpl.columnMetaData("ZONES", 3, String.class, false),
          MetaImpl.columnMetaData("STATE", 4, String.class, false),
          MetaImpl.columnMetaData("KEYS", 5, Long.class, true));

  static final List<ColumnMetaData> REPLICA_COLUMNS =
      List.of(
          MetaImpl.columnMetaData("KEY", 0, String.class, false),
          MetaImpl.columnMetaData("NODE_ID", 1, int.class, false),
          MetaImpl.columnMetaData("ZONE", 2, String.class, true),
          MetaImpl.columnMetaData("STATUS", 3, String.class, false),
          MetaImpl.columnMetaData("LOCAL_VERSION", 4, Long.class, true),
          MetaImpl.columnMetaData("CHOSEN_VERSION", 5, Long.class, true),
          MetaImpl.columnMetaData("LAG", 6, Long.class, true));

  static final List<ColumnMetaData> RESULT_COLUMNS =
      List.of(MetaImpl.columnMetaData("RESULT", 0, String.class, false));

  private static final Pattern CALL =
      Pattern.compile("(?is)^\\s*CALL\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)\\s*;?\\s*$");

  private static final Pattern STRING_ARG = Pattern.compile("\\s*'((?:[^']|'')*)'\\s*(,|$)");

  /**
   * A parsed call.
   *
   * @param name the procedure, upper case
   * @param args its string arguments
   */
  record Call(String name, List<String> args) {}

  private SystemProcedures() {}

  /**
   * The call in {@code sql}, if it is one.
   *
   * @throws QueryException for a call of an unknown procedure or with malformed arguments
   */
  static Optional<Call> parse(String sql) {
    if (!SqlText.firstKeyword(sql).equals("CALL")) {
      return Optional.empty();
    }
    Matcher m = CALL.matcher(sql);
    if (!m.matches()) {
      throw new QueryException(
          QueryException.SYNTAX_ERROR, "CALL takes a procedure name and arguments in parentheses");
    }
    String name = m.group(1).toUpperCase(Locale.ROOT);
    if (!name.equals(PRIMARY_KEYS) && !CLUSTER.contains(name)) {
      throw new QueryException(
          QueryException.UNDEFINED_FUNCTION,
          "no procedure "
              + name
              + "; the procedures are "
              + PRIMARY_KEYS
              + " and the cluster commands "
              + CLUSTER);
    }
    List<String> args = new ArrayList<>();
    String rest = m.group(2).trim();
    int pos = 0;
    Matcher a = STRING_ARG.matcher(rest);
    while (pos < rest.length()) {
      if (!a.find(pos) || a.start() != pos) {
        throw new QueryException(
            QueryException.SYNTAX_ERROR, "arguments of " + name + " must be string literals");
      }
      args.add(a.group(1).replace("''", "'"));
      pos = a.end();
    }
    return Optional.of(new Call(name, args));
  }

  /**
   * The result columns of the call. The columns a person reads first come first: sqlline cuts
   * tables at the terminal width.
   */
  static List<ColumnMetaData> columns(Call call) {
    return switch (call.name()) {
      case PRIMARY_KEYS -> Metadata.PRIMARY_KEY_COLUMNS;
      case NODES -> NODE_COLUMNS;
      case REPLICAS -> REPLICA_COLUMNS;
      case SEGMENTS -> SEGMENT_COLUMNS;
      default -> RESULT_COLUMNS;
    };
  }

  /**
   * Runs the call.
   *
   * @throws QueryException with a SQLState for bad arguments or a cluster command that cannot run
   */
  static List<Object[]> run(Call call, StoreCatalog catalog, ClusterView cluster) {
    if (call.name().equals(PRIMARY_KEYS)) {
      if (call.args().size() != 1) {
        throw new QueryException(
            QueryException.WRONG_PARAMETER_COUNT, PRIMARY_KEYS + " takes one table name pattern");
      }
      List<Object[]> rows = new ArrayList<>();
      Pattern table = Metadata.like(call.args().get(0));
      for (TableDef t : Metadata.sorted(catalog.tables())) {
        if (!table.matcher(t.name()).matches()) {
          continue;
        }
        for (int k = 0; k < t.primaryKey().size(); k++) {
          String column = t.columns().get(t.primaryKey().get(k)).name();
          if (t.columns().get(t.primaryKey().get(k)).hidden()) {
            continue;
          }
          rows.add(
              new Object[] {
                null, SqlTypes.SCHEMA, t.name(), column, (short) (k + 1), "PK_" + t.name()
              });
        }
      }
      rows.sort(
          Comparator.comparing((Object[] r) -> (String) r[2]).thenComparing(r -> (String) r[3]));
      return rows;
    }
    return switch (call.name()) {
      case NODES -> nodes(call, cluster);
      case REPLICAS -> replicas(call, catalog, cluster);
      case SEGMENTS -> segments(call, cluster);
      case SPLIT_SEGMENTS -> {
        noArguments(call);
        yield List.<Object[]>of(new Object[] {cluster.splitSegments()});
      }
      case DECOMMISSION -> List.<Object[]>of(new Object[] {cluster.decommission(nodeId(call))});
      case STOP_NODE -> List.<Object[]>of(new Object[] {cluster.stopNode(nodeId(call))});
      case REMOVE_NODE -> List.<Object[]>of(new Object[] {cluster.removeNode(nodeId(call))});
      case ADD_NODE -> {
        noArguments(call);
        yield List.<Object[]>of(new Object[] {cluster.addNode()});
      }
      default -> List.<Object[]>of(new Object[] {cluster.startNode(nodeId(call))});
    };
  }

  private static void noArguments(Call call) {
    if (!call.args().isEmpty()) {
      throw new QueryException(
          QueryException.WRONG_PARAMETER_COUNT, call.name() + " takes no arguments");
    }
  }

  private static List<Object[]> segments(Call call, ClusterView cluster) {
    noArguments(call);
    List<Object[]> rows = new ArrayList<>();
    for (ClusterView.SegmentStatus g : cluster.segments()) {
      rows.add(
          new Object[] {
            g.segment(),
            g.epoch(),
            String.join(",", g.replicas().stream().map(String::valueOf).toList()),
            String.join(",", g.zones()),
            g.state(),
            g.keys()
          });
    }
    return rows;
  }

  private static List<Object[]> nodes(Call call, ClusterView cluster) {
    noArguments(call);
    int self = cluster.nodeId();
    List<Object[]> rows = new ArrayList<>();
    for (ClusterView.NodeStatus n : cluster.nodes()) {
      rows.add(
          new Object[] {
            n.id(),
            n.zone(),
            n.status(),
            self,
            n.address(),
            n.sqlAddress(),
            n.stateWrites(),
            n.segments()
          });
    }
    return rows;
  }

  private static int nodeId(Call call) {
    if (call.args().size() != 1) {
      throw new QueryException(
          QueryException.WRONG_PARAMETER_COUNT, call.name() + " takes one node id");
    }
    try {
      return Integer.parseInt(call.args().get(0).trim());
    } catch (NumberFormatException e) {
      throw new QueryException(
          INVALID_PARAMETER, "node id must be a number, got '" + call.args().get(0) + "'");
    }
  }

  /** SQLState: invalid parameter value. */
  static final String INVALID_PARAMETER = "22023";

  private static List<Object[]> replicas(Call call, StoreCatalog catalog, ClusterView cluster) {
    List<String> args = call.args();
    if (args.isEmpty()) {
      throw new QueryException(
          QueryException.WRONG_PARAMETER_COUNT,
          REPLICAS + " takes a table and its primary key values, or one raw key");
    }
    byte[] key;
    String shown;
    if (args.size() == 1) {
      String raw = args.get(0);
      if (raw.regionMatches(true, 0, "x:", 0, 2)) {
        try {
          key = HexFormat.of().parseHex(raw.substring(2));
        } catch (IllegalArgumentException e) {
          throw new QueryException(INVALID_PARAMETER, "not a hex key: '" + raw + "'");
        }
      } else {
        key = raw.getBytes(StandardCharsets.UTF_8);
      }
      shown = "x:" + HexFormat.of().formatHex(key);
    } else {
      String name = args.get(0).toUpperCase(Locale.ROOT);
      TableDef table =
          catalog
              .table(name)
              .orElseThrow(
                  () ->
                      new QueryException(
                          QueryException.UNDEFINED_TABLE, "table " + name + " does not exist"));
      List<ColumnType> types = table.keyTypes();
      if (table.hasHiddenKey() || types.size() != args.size() - 1) {
        throw new QueryException(
            QueryException.WRONG_PARAMETER_COUNT,
            "table "
                + name
                + (table.hasHiddenKey()
                    ? " has no declared primary key: give a raw key"
                    : " has a primary key of "
                        + types.size()
                        + " column(s), got "
                        + (args.size() - 1)
                        + " value(s)"));
      }
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        values.add(keyValue(types.get(i), args.get(i + 1)));
      }
      key = StoreCatalog.rowKey(table, values);
      shown = name + "(" + String.join(", ", args.subList(1, args.size())) + ")";
    }
    ClusterView.Replicas r = cluster.replicas(key);
    List<Object[]> rows = new ArrayList<>();
    for (ClusterView.ReplicaStatus s : r.replicas()) {
      Long lag =
          r.chosenVersion() == null || s.localVersion() == null
              ? null
              : Math.max(0, r.chosenVersion() - s.localVersion());
      rows.add(
          new Object[] {
            shown, s.id(), s.zone(), s.status(), s.localVersion(), r.chosenVersion(), lag
          });
    }
    return rows;
  }

  /** A key value given as text, converted to the key column's type. */
  private static Object keyValue(ColumnType type, String text) {
    try {
      Object v =
          switch (type.kind()) {
            case INTEGER, BIGINT -> Long.parseLong(text.trim());
            case DOUBLE -> Double.parseDouble(text.trim());
            case DECIMAL -> new BigDecimal(text.trim());
            case BOOLEAN -> Boolean.parseBoolean(text.trim());
            case VARCHAR -> text;
            default ->
                throw new QueryException(
                    QueryException.FEATURE_NOT_SUPPORTED,
                    "key columns of type " + type + " cannot be given as text: give a raw key");
          };
      return type.coerce(v);
    } catch (NumberFormatException | ValueException e) {
      throw new QueryException(
          INVALID_PARAMETER,
          "'" + text + "' is not a value of type " + type + ": " + e.getMessage());
    }
  }
}
