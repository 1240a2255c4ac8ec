package io.quorumkv.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.reader.Completer;
import sqlline.AbstractCommandHandler;
import sqlline.DispatchCallback;
import sqlline.SqlLine;

/**
 * A cluster command of the shell ({@code !nodes}, {@code !replicas TABLE KEY...} or {@code
 * !replicas RAWKEY}, {@code !segments}, {@code !split-segments}, {@code !decommission NODE}, {@code
 * !stop NODE}, {@code !start NODE}), run on the connected node as the system procedure {@code CALL
 * QUORUMKV_...('arg', ...)} so that its answer is printed as any result. Stop and start work
 * against the local cluster ({@code bin/quorumkv local}) only; other nodes answer with SQLState
 * 0A000 saying so, and the shell shows that.
 */
final class ClusterCommand extends AbstractCommandHandler {

  private final String procedure;
  private final int minArgs;

  ClusterCommand(SqlLine sqlLine, String name, String procedure, int minArgs, String helpText) {
    super(sqlLine, new String[] {name}, helpText, List.<Completer>of());
    this.procedure = procedure;
    this.minArgs = minArgs;
  }

  /** The shell's cluster commands. */
  static List<ClusterCommand> all(SqlLine sqlLine) {
    return List.of(
        new ClusterCommand(
            sqlLine,
            "nodes",
            "QUORUMKV_NODES",
            0,
            "Show the nodes: id, zone, address, up/down, versions, segments held"),
        new ClusterCommand(
            sqlLine,
            "segments",
            "QUORUMKV_SEGMENTS",
            0,
            "Show the segments: epoch, replicas, zones, stable or moving, key count"),
        new ClusterCommand(
            sqlLine,
            "split-segments",
            "QUORUMKV_SPLIT_SEGMENTS",
            0,
            "Double the segment count (each child stays on its parent's group until the balancer"
                + " moves it)"),
        new ClusterCommand(
            sqlLine,
            "decommission",
            "QUORUMKV_DECOMMISSION",
            1,
            "Move a node's segments away so it can leave: !decommission NODE"),
        new ClusterCommand(
            sqlLine,
            "replicas",
            "QUORUMKV_REPLICAS",
            1,
            "Show the replica group of a row and its versions: !replicas TABLE KEY_VALUE... or"
                + " !replicas RAW_KEY (text, or x:HEX)"),
        new ClusterCommand(
            sqlLine,
            "stop",
            "QUORUMKV_STOP_NODE",
            1,
            "Stop a node of the local cluster: !stop NODE"),
        new ClusterCommand(
            sqlLine,
            "start",
            "QUORUMKV_START_NODE",
            1,
            "Start a stopped node of the local cluster: !start NODE"),
        new ClusterCommand(
            sqlLine,
            "add-node",
            "QUORUMKV_ADD_NODE",
            0,
            "Add a node to the local cluster: it joins, and segments move to it"),
        new ClusterCommand(
            sqlLine,
            "remove-node",
            "QUORUMKV_REMOVE_NODE",
            1,
            "Remove a node from the local cluster: its segments move away, then it stops:"
                + " !remove-node NODE"));
  }

  /** The SQL a command line runs, or null when it has too few arguments. */
  String toSql(String line) {
    String[] words = line.trim().split("\\s+");
    List<String> args = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      String w = words[i];
      if (w.endsWith(";")) {
        w = w.substring(0, w.length() - 1);
      }
      if (!w.isEmpty()) {
        args.add(w);
      }
    }
    if (args.size() < minArgs) {
      return null;
    }
    StringBuilder sql = new StringBuilder("CALL ").append(procedure).append('(');
    for (int i = 0; i < args.size(); i++) {
      String a =
          i == 0 && args.size() > 1 && procedure.equals("QUORUMKV_REPLICAS")
              ? args.get(i).toUpperCase(Locale.ROOT)
              : args.get(i);
      sql.append(i == 0 ? "" : ", ").append('\'').append(a.replace("'", "''")).append('\'');
    }
    return sql.append(')').toString();
  }

  @Override
  public void execute(String line, DispatchCallback callback) {
    String sql = toSql(line);
    if (sql == null) {
      sqlLine.error("Usage: " + getHelpText());
      callback.setToFailure();
      return;
    }
    sqlLine.runCommands(List.of(sql), callback);
  }
}
