package io.quorumkv.server.sql;

import io.quorumkv.executor.catalog.StoreCatalog;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.ColumnMetaData;

/**
 * Procedures the SQL endpoint answers itself, called as {@code CALL NAME('arg', ...)} (the dialect
 * has no {@code CALL}, so they cannot clash with a statement):
 *
 * <ul>
 *   <li>{@code QUORUMKV_PRIMARY_KEYS('table pattern')}: the primary key columns in the shape of
 *       {@link java.sql.DatabaseMetaData#getPrimaryKeys}, which Avatica's protocol has no request
 *       for; the driver's metadata calls it.
 *   <li>{@code QUORUMKV_NODES()}, {@code QUORUMKV_REPLICAS('key')}, {@code
 *       QUORUMKV_STOP_NODE('id')}, {@code QUORUMKV_START_NODE('id')}: cluster commands of the
 *       shell. They need the node runtime, which does not serve them yet, so they fail with
 *       SQLState 0A000 saying so.
 * </ul>
 */
final class SystemProcedures {

  static final String PRIMARY_KEYS = "QUORUMKV_PRIMARY_KEYS";

  static final List<String> CLUSTER =
      List.of("QUORUMKV_NODES", "QUORUMKV_REPLICAS", "QUORUMKV_STOP_NODE", "QUORUMKV_START_NODE");

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

  /** The result columns of the call. */
  static List<ColumnMetaData> columns(Call call) {
    if (call.name().equals(PRIMARY_KEYS)) {
      return Metadata.PRIMARY_KEY_COLUMNS;
    }
    return List.of();
  }

  /**
   * Runs the call.
   *
   * @throws QueryException (0A000) for the cluster commands, not served yet
   */
  static List<Object[]> run(Call call, StoreCatalog catalog) {
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
    throw new QueryException(
        QueryException.FEATURE_NOT_SUPPORTED,
        call.name()
            + " is not available yet: cluster commands need the node runtime, which does not"
            + " serve them yet");
  }
}
