package io.quorumkv.tests.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.server.LocalCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/quorumkv local} in a tmux session, used as a person would: wait for the prompt, type
 * statements, read the screen. The launcher runs from this test's class path ({@code
 * QUORUMKV_CLASSPATH}) instead of building, and keeps its data in a temporary directory ({@code
 * QUORUMKV_DATA}); everything else is the real script: the 3-node cluster process, the shell
 * process, Ctrl-D stopping the cluster, the data surviving a restart of the command.
 *
 * <p>Synchronization is by polling the screen for the expected text, never by fixed sleeps.
 */
class LocalShellIT {
  private static final Logger LOG = LoggerFactory.getLogger(LocalShellIT.class);
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final String PROMPT = "quorumkv> ";

  @TempDir Path dir;

  private final String socket = "qkv-shell-it-" + ProcessHandle.current().pid();
  private String screenSeen = "";

  private static boolean tmuxAvailable() {
    try {
      return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("QUORUMKV_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("QUORUMKV_DATA", dir.resolve("data").toString());
    pb.environment().remove("TMUX");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor();
    return out;
  }

  private String screen() throws IOException, InterruptedException {
    return tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", "qkv");
  }

  /**
   * Polls the screen (history included) until {@code done} holds for the text after {@code from}.
   */
  private String await(int from, String what, Predicate<String> done)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (true) {
      String s = screen();
      screenSeen = s;
      String tail = s.length() > from ? s.substring(from) : "";
      if (done.test(tail)) {
        return tail;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 120 s for " + what + "; the screen:\n" + s);
      }
      Thread.sleep(50); // polling the screen
    }
  }

  /** Types {@code line} and Enter; returns the screen position before it. */
  private int type(String line) throws IOException, InterruptedException {
    int from = screen().stripTrailing().length();
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "qkv", "-H"));
    for (byte b : line.getBytes(UTF_8)) {
      args.add(String.format("%02x", b)); // hex: tmux gives ';' no special meaning then
    }
    tmux(args.toArray(new String[0]));
    tmux("send-keys", "-t", "qkv", "Enter");
    return from;
  }

  /** Presses tmux's named keys ({@code Tab}, {@code Up}, {@code C-c}, ...). */
  private void press(String... keys) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "qkv"));
    args.addAll(List.of(keys));
    tmux(args.toArray(new String[0]));
  }

  /** Polls the visible pane (no history) until {@code done} holds for it. */
  private String awaitPane(String what, Predicate<String> done)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (true) {
      String s = tmux("capture-pane", "-p", "-J", "-t", "qkv");
      if (done.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 120 s for " + what + "; the pane:\n" + s);
      }
      Thread.sleep(50); // polling the screen
    }
  }

  /** The last non-blank line of the visible pane. */
  private static String lastLine(String pane) {
    String[] lines = pane.stripTrailing().split("\n");
    return lines[lines.length - 1];
  }

  /** Types {@code line} and waits for the output that follows it and the next prompt. */
  private String run(String line, String expected) throws IOException, InterruptedException {
    int from = type(line);
    String tail =
        await(
            from,
            "'" + expected + "' after " + line,
            t -> t.contains(expected) && t.lastIndexOf(PROMPT) > t.indexOf(expected));
    LOG.info("{}\n{}", line, tail);
    return tail;
  }

  private static boolean free(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int portBase(boolean shared) {
    SplittableRandom random = new SplittableRandom();
    while (true) {
      int base = 20_000 + random.nextInt(30_000);
      boolean ok = true;
      for (int i = 1; i <= 3 && ok; i++) {
        String host = shared ? "127.0.0.1" : "127.0.0." + (i + 1);
        for (int offset : new int[] {0, 100, 200}) {
          ok &= free(host, base + offset + (shared ? i : 0));
        }
      }
      if (ok) {
        return base;
      }
    }
  }

  private void startLocal(int base) throws IOException, InterruptedException {
    Path launcher = Path.of("..", "bin", "quorumkv").toAbsolutePath().normalize();
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
    String out =
        tmux(
            "new-session",
            "-d",
            "-s",
            "qkv",
            "-x",
            "220",
            "-y",
            "50",
            "-c",
            launcher.getParent().getParent().toString(),
            launcher + " local --port-base " + base);
    assertThat(out).isEmpty();
    // Keep the pane (and its last screen) after the launcher exits, so quitting can be read even
    // when the launcher is faster than the first poll.
    tmux("set-option", "-t", "qkv", "remain-on-exit", "on");
    await(0, "the shell's prompt", t -> t.contains(PROMPT));
  }

  private void quitLocal() throws IOException, InterruptedException {
    int from = screen().stripTrailing().length();
    tmux("send-keys", "-t", "qkv", "C-d");
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (!tmux("display-message", "-p", "-t", "qkv", "#{pane_dead}").strip().equals("1")) {
      assertThat(System.nanoTime()).as("the launcher exits after Ctrl-D").isLessThan(deadline);
      Thread.sleep(50); // polling for the launcher's exit
    }
    screenSeen = screen();
    assertThat(screenSeen.substring(Math.min(from, screenSeen.length())))
        .contains("stopping the local cluster");
    tmux("kill-session", "-t", "qkv");
  }

  @AfterEach
  void killTmux() throws IOException, InterruptedException {
    if (tmuxAvailable()) {
      tmux("kill-server");
    }
  }

  @Test
  void aPersonCreatesATableWritesConditionallyAndStopsANode() throws Exception {
    Assumptions.assumeTrue(
        tmuxAvailable(), "tmux is not installed (bin/test installs it when run as root on Debian)");
    boolean shared = !LocalCluster.loopbackAddressesUsable();
    int base = portBase(shared);
    startLocal(base);

    assertThat(
            run(
                "CREATE TABLE acct (id BIGINT PRIMARY KEY, owner VARCHAR(20), bal INTEGER);",
                "No rows affected"))
        .doesNotContain("Error");
    run("INSERT INTO acct (id, owner, bal) VALUES (1, 'ada', 100);", "1 row affected");
    assertThat(run("UPDATE acct SET bal = 90 WHERE id = 1 IF bal = 100;", "row selected"))
        .containsPattern("\\| *true *\\|");
    assertThat(run("UPDATE acct SET bal = 80 WHERE id = 1 IF bal = 100;", "row selected"))
        .containsPattern("\\| *false *\\|");

    String nodes = run("!nodes", "rows selected");
    for (int i = 1; i <= 3; i++) {
      assertThat(nodes).containsPattern("\\| *" + i + " *\\| *zone-" + i + " *\\| *up *\\|");
    }
    Matcher seen = Pattern.compile("\\| *1 *\\| *zone-1 *\\| *up *\\| *(\\d) *\\|").matcher(nodes);
    assertThat(seen.find()).isTrue();
    int stop = Integer.parseInt(seen.group(1)) % 3 + 1; // not the node the shell is on

    assertThat(run("!segments", "rows selected"))
        .contains("64 rows selected")
        .containsPattern("\\| *1,2,3 *\\| *zone-1,zone-2,zone-3 *\\| *stable *\\|");

    assertThat(run("!stop " + stop, "row selected")).contains("node " + stop + " (zone-" + stop);
    assertThat(run("UPDATE acct SET bal = 70 WHERE id = 1 IF bal = 90;", "row selected"))
        .containsPattern("\\| *true *\\|");
    assertThat(run("!nodes", "rows selected"))
        .containsPattern("\\| *" + stop + " *\\| *zone-" + stop + " *\\| *stopped *\\|");
    assertThat(run("!replicas acct 1", "rows selected"))
        .containsPattern(
            "\\| *ACCT\\(1\\) *\\| *" + stop + " *\\| *zone-" + stop + " *\\| *stopped");
    assertThat(run("!start " + stop, "row selected")).contains("started");
    assertThat(run("SELECT owner, bal FROM acct WHERE id = 1;", "row selected"))
        .containsPattern("\\| *ada *\\| *70 *\\|");
    quitLocal();

    // The data survives a restart of the command.
    startLocal(base);
    assertThat(run("SELECT owner, bal FROM acct WHERE id = 1;", "row selected"))
        .containsPattern("\\| *ada *\\| *70 *\\|");
    quitLocal();
  }

  @Test
  void theTerminalRecallsClearsAndSurvivesCtrlC() throws Exception {
    Assumptions.assumeTrue(
        tmuxAvailable(), "tmux is not installed (bin/test installs it when run as root on Debian)");
    boolean shared = !LocalCluster.loopbackAddressesUsable();
    startLocal(portBase(shared));
    run("CREATE TABLE acct (id BIGINT PRIMARY KEY, owner VARCHAR(20), bal INTEGER);", "No rows");
    run("INSERT INTO acct (id, owner, bal) VALUES (1, 'ada', 100);", "1 row affected");
    assertThat(run("SELECT owner FROM acct;", "row selected"))
        .containsPattern("\\| *ada *\\|")
        .doesNotContain("Error");

    // Up recalls the previous statement; nothing of it is echoed twice or printed as ^[OA.
    awaitPane("the prompt", p -> lastLine(p).endsWith(PROMPT.strip()));
    press("Up");
    String recalled =
        awaitPane(
            "the statement recalled",
            p -> lastLine(p).toUpperCase(Locale.ROOT).contains("SELECT OWNER"));
    assertThat(recalled).doesNotContain("^[");

    // Ctrl-C at the prompt clears the line and leaves the shell and the cluster running.
    press("C-c");
    awaitPane("the cleared line", p -> lastLine(p).strip().equals(PROMPT.strip()));
    assertThat(run("SELECT bal FROM acct WHERE id = 1;", "row selected"))
        .containsPattern("\\| *100 *\\|")
        .doesNotContain("Error");

    // Ctrl-L clears the screen: the prompt is on top, no ^L is printed.
    press("C-l");
    String cleared =
        awaitPane("the cleared screen", p -> !p.contains("CREATE TABLE") && p.contains(PROMPT));
    assertThat(cleared).doesNotContain("^L");
    quitLocal();
  }
}
