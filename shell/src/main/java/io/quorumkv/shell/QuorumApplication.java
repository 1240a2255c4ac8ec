package io.quorumkv.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import sqlline.Application;
import sqlline.CommandHandler;
import sqlline.SqlLine;
import sqlline.SqlLineOpts;

/**
 * sqlline configured for QuorumKV (selected with sqlline's {@code -ac}): our driver only, our URL
 * in the examples, and the cluster commands of {@link ClusterCommand}. (Option defaults are passed
 * as arguments by {@link QuorumShell}: sqlline replaces the options when it loads this class, which
 * would drop {@code -f}.) Instantiated by sqlline by class name.
 */
public class QuorumApplication extends Application {

  /** The driver the shell loads. */
  static final String DRIVER = "io.quorumkv.jdbc.QuorumDriver";

  /** Called by sqlline. */
  public QuorumApplication() {}

  @Override
  public String getInfoMessage() {
    // sqlline's version string already reads "sqlline version 1.12.0".
    return "QuorumKV SQL shell, on "
        + super.getVersion()
        + ". End statements with ';'. !help lists commands; !nodes, !replicas, !stop and !start"
        + " are the cluster commands.";
  }

  @Override
  public List<String> allowedDrivers() {
    return List.of(DRIVER);
  }

  @Override
  public Collection<String> getConnectionUrlExamples() {
    return List.of(
        "jdbc:quorumkv://127.0.0.1:7400", "jdbc:quorumkv://host1:7400,host2:7400,host3:7400");
  }

  @Override
  public Collection<CommandHandler> getCommandHandlers(SqlLine sqlLine) {
    List<CommandHandler> handlers = new ArrayList<>(super.getCommandHandlers(sqlLine));
    handlers.addAll(ClusterCommand.all(sqlLine));
    return handlers;
  }

  /**
   * Keeps the options already set: sqlline loads this class after reading the command line, and
   * fresh options would drop {@code -f} and the defaults {@link QuorumShell} passes.
   */
  @Override
  public SqlLineOpts getOpts(SqlLine sqlLine) {
    SqlLineOpts current = sqlLine.getOpts();
    return current != null ? current : super.getOpts(sqlLine);
  }
}
