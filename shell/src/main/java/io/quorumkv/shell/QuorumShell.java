package io.quorumkv.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sqlline.SqlLine;

/**
 * The QuorumKV SQL shell's entry point:
 *
 * <pre>
 *   quorumkv-shell [URL] [sqlline options]       e.g. jdbc:quorumkv://127.0.0.1:7400
 *   quorumkv-shell URL -f script.sql             runs the script and exits
 *   echo "SHOW TABLES;" | quorumkv-shell URL     runs piped statements and exits
 * </pre>
 *
 * A first argument that is not an option is the URL; every other argument is sqlline's ({@code -f},
 * {@code -e}, {@code --outputformat=csv}, ...).
 */
public final class QuorumShell {

  private QuorumShell() {}

  /** Runs the shell on the terminal; exits with 0 when every statement succeeded, else 1. */
  public static void main(String[] args) throws IOException {
    SqlLine.Status status = run(args, System.in, System.out, System.err);
    System.exit(status == SqlLine.Status.OK ? 0 : 1);
  }

  /**
   * Runs the shell with the given streams until its input ends or {@code !quit}.
   *
   * @return sqlline's status: OK when every command succeeded
   */
  public static SqlLine.Status run(
      String[] args, InputStream in, OutputStream out, OutputStream err) throws IOException {
    SqlLine sqlLine = new SqlLine();
    sqlLine.setOutputStream(out);
    sqlLine.setErrorStream(err);
    return sqlLine.begin(sqllineArgs(args).toArray(new String[0]), terminalInput(in), true);
  }

  /**
   * What sqlline should read: {@code null} when {@code in} is the process's own input and that is a
   * terminal, so sqlline builds a jline system terminal on the TTY (line editing, Tab completion,
   * arrows, the terminal's width, and Ctrl-C delivered to sqlline's handler instead of ending the
   * JVM); the stream itself otherwise (piped input, scripts, tests), where a dumb terminal is
   * right.
   */
  static InputStream terminalInput(InputStream in) {
    return in == System.in && System.console() != null ? null : in;
  }

  /** Our arguments as sqlline's. */
  static List<String> sqllineArgs(String[] args) {
    List<String> out =
        new ArrayList<>(
            List.of(
                "-ac",
                QuorumApplication.class.getName(),
                // Autocommit only: there is no isolation level to set.
                "--isolation=TRANSACTION_NONE",
                // One spelling of NULL for every type (sqlline prints text NULLs blank otherwise).
                "--nullValue=NULL",
                // A short prompt: the default repeats the whole URL and is cut on narrow screens.
                "--prompt=quorumkv> ",
                "--historyFile="
                    + Path.of(System.getProperty("user.home"), ".quorumkv", "history")));
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      out.addAll(List.of("-u", rest.remove(0), "-n", "", "-p", ""));
    }
    out.addAll(rest);
    return out;
  }
}
