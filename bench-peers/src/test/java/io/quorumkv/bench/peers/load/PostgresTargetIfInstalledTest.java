package io.quorumkv.bench.peers.load;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PostgreSQL target against a real server initialised in a temporary directory from Debian's
 * {@code /usr/lib/postgresql/15/bin}; skipped where it is not installed (or, when running as root,
 * where there is no {@code postgres} user to run it as: PostgreSQL refuses root).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresTargetIfInstalledTest {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private Path dir;
  private Process postgres;
  private Target target;

  @BeforeAll
  void startPostgres() throws Exception {
    assumeTrue(Files.isExecutable(BIN.resolve("postgres")), "PostgreSQL 15 is not installed");
    if (TargetChecks.isRoot()) {
      assumeTrue(run(List.of("id", "postgres")) == 0, "running as root and no postgres user");
    }
    dir = Files.createTempDirectory("postgres-target-test");
    if (TargetChecks.isRoot()) {
      check(run(List.of("chown", "postgres", dir.toString())), "chown");
    }
    Path data = dir.resolve("data");
    check(
        run(
            asServerUser(
                BIN.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "bench",
                "--auth=trust",
                "--no-sync")), // only initdb's own files; the server below runs with fsync on
        "initdb");
    int port = TargetChecks.freePort();
    postgres =
        new ProcessBuilder(
                asServerUser(
                    BIN.resolve("postgres").toString(),
                    "-D",
                    data.toString(),
                    "-p",
                    Integer.toString(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories="))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("postgres.log").toFile())
            .start();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=bench";
    awaitConnection(url);
    target = Targets.open("postgres", url);
    target.load(TargetChecks.KEYS, 100, 4);
  }

  /** The command, run as the postgres user when this JVM is root ({@code setpriv} execs it). */
  private static List<String> asServerUser(String... command) {
    List<String> c = new ArrayList<>();
    if (TargetChecks.isRoot()) {
      c.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
    }
    c.addAll(List.of(command));
    return c;
  }

  private int run(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return -1;
    }
    return p.exitValue();
  }

  private static void check(int status, String what) throws IOException {
    if (status != 0) {
      throw new IOException(what + " failed with status " + status);
    }
  }

  private void awaitConnection(String url) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        DriverManager.getConnection(url).close();
        return;
      } catch (SQLException e) {
        if (!postgres.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "PostgreSQL did not start; its log: " + Files.readString(dir.resolve("postgres.log")),
              e);
        }
        Thread.sleep(100); // polling the server: there is nothing to wait on
      }
    }
  }

  @AfterAll
  void stopPostgres() throws Exception {
    if (target != null) {
      target.close();
    }
    TargetChecks.stop(postgres); // SIGTERM: PostgreSQL's smart shutdown, after clients left
    if (dir != null) {
      TargetChecks.deleteRecursively(dir);
    }
  }

  @Test
  void getPutAndCompareAndSetMeanWhatTheySay() throws Exception {
    TargetChecks.checkSemantics(target);
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void runsEveryWorkload(Workload w) throws Exception {
    TargetChecks.check(target, w);
  }
}
