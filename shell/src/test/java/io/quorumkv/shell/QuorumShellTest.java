package io.quorumkv.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.executor.SqlEngine;
import io.quorumkv.executor.catalog.SchemaLease;
import io.quorumkv.executor.store.LocalKeyValueStore;
import io.quorumkv.server.sql.SqlServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sqlline.SqlLine;

/**
 * The shell driven non-interactively, as a script ({@code -f}) and as piped input, against a real
 * SQL endpoint over an in-process store; the test reads what a person would see.
 */
class QuorumShellTest {

  private final AtomicLong clients = new AtomicLong();
  private SqlServer server;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    server =
        SqlServer.start(
            0,
            new SqlEngine(
                new LocalKeyValueStore(),
                clients::incrementAndGet,
                SchemaLease.of(Duration.ofMillis(20))));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String url() {
    return "jdbc:quorumkv://127.0.0.1:" + server.address().getPort();
  }

  /** What one run printed, and its status. */
  private record Run(SqlLine.Status status, String out, String err) {}

  private Run shell(String stdin, String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String home = System.getProperty("user.home");
    System.setProperty("user.home", dir.toString());
    try {
      SqlLine.Status status =
          QuorumShell.run(
              args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
      return new Run(
          status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setProperty("user.home", home);
    }
  }

  @Test
  void runsAScriptWithMultiLineStatementsAndPrintsAlignedTables() throws IOException {
    Path script = dir.resolve("demo.sql");
    Files.writeString(
        script,
        String.join(
            "\n",
            "CREATE TABLE accounts (",
            "  id BIGINT PRIMARY KEY,",
            "  owner VARCHAR,",
            "  balance DECIMAL(12, 2));",
            "INSERT INTO accounts (id, owner, balance)",
            "  VALUES (1, 'ada', 100.00), (2, 'bob', 5.50);",
            "UPDATE accounts SET balance = balance - 10 WHERE id = 1 IF balance >= 10;",
            "UPDATE accounts SET balance = balance - 10 WHERE id = 2 IF balance >= 10;",
            "SELECT id, owner, balance FROM accounts ORDER BY id;",
            ""));
    Run run = shell("", url(), "-f", script.toString(), "--color=false");
    assertThat(run.err()).doesNotContain("Error");
    assertThat(run.status()).isEqualTo(SqlLine.Status.OK);
    // Tables go to stdout; sqlline's row counts and timings to stderr, as a person sees both.
    assertThat(run.err())
        .contains("No rows affected")
        .contains("2 rows affected")
        .contains("2 rows selected")
        .containsPattern("\\(\\d+\\.\\d+ seconds\\)");
    assertThat(run.out())
        .containsPattern("\\| *applied *\\|")
        .containsPattern("\\| *true *\\|")
        .containsPattern("\\| *false *\\| *2 *\\| *bob *\\| *5\\.50 *\\|")
        .containsPattern("\\| *ID *\\| *OWNER *\\| *BALANCE *\\|")
        .containsPattern("\\| *1 *\\| *ada *\\| *90\\.00 *\\|");
  }

  @Test
  void runsPipedStatementsAndReportsErrorsWithTheirPosition() throws IOException {
    Run run =
        shell(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR);\n"
                + "INSERT INTO t VALUES (1, 'x');\n"
                + "SELECT * FORM t;\n"
                + "SHOW TABLES;\n",
            url(),
            "--color=false");
    assertThat(run.out()).containsPattern("\\| *T *\\|");
    assertThat(run.err()).contains("42601").contains("line 1:10");
  }

  @Test
  void clusterCommandsSayWhenTheEndpointHasNoNode() throws IOException {
    Run run = shell("!nodes\n!replicas accounts 1\n!stop 2\n!replicas\n", url(), "--color=false");
    assertThat(run.err()).contains("0A000").contains("not available");
    assertThat(run.err()).contains("Usage: Show the replica group");
  }

  @Test
  void showsNullTheSameWayForTextAndNumbers() throws IOException {
    Run run =
        shell(
            "CREATE TABLE n (id BIGINT PRIMARY KEY, v VARCHAR, d DECIMAL(5, 1));\n"
                + "INSERT INTO n (id) VALUES (1);\n"
                + "SELECT id, v, d FROM n;\n",
            url(),
            "--color=false");
    assertThat(run.out()).containsPattern("\\| *1 *\\| *NULL *\\| *NULL *\\|");
  }

  @Test
  void promptsWithAShortNameInsteadOfTheUrl() throws IOException {
    Run run = shell("SHOW TABLES;\n", url(), "--color=false");
    assertThat(run.out() + run.err()).contains("quorumkv> ").doesNotContain("0: jdbc:quorumkv");
  }

  @Test
  void introducesItselfAsQuorumKv() {
    assertThat(new QuorumApplication().getInfoMessage())
        .startsWith("QuorumKV SQL shell, on sqlline version ")
        .doesNotContain("sqlline sqlline");
  }

  @Test
  void readsTheGivenStreamWhenItIsNotTheProcessInput() {
    ByteArrayInputStream piped = new ByteArrayInputStream(new byte[0]);
    assertThat(QuorumShell.terminalInput(piped)).isSameAs(piped);
  }

  @Test
  void translatesTheUrlArgument() {
    assertThat(QuorumShell.sqllineArgs(new String[] {"jdbc:quorumkv://h:1", "-f", "x.sql"}))
        .startsWith("-ac", QuorumApplication.class.getName())
        .endsWith("-u", "jdbc:quorumkv://h:1", "-n", "", "-p", "", "-f", "x.sql");
  }
}
