package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page at {@code /} of a real 3-node local cluster, loaded by headless Chromium
 * (Debian's {@code chromium}, which bin/test installs): the rendered DOM lists the three nodes by
 * zone as up and the operations this node coordinated, and a screenshot is taken (kept in {@code
 * target/status-page.png} for a person to look at). Skipped where Chromium is not installed.
 */
class StatusPageChromiumTest {
  @TempDir Path dir;

  private LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Optional<Path> chromium() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Runs headless Chromium on {@code url} with {@code args}; returns its standard output. */
  private String chromium(Path exe, String url, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox", // the tests run as root
            "--disable-gpu",
            "--user-data-dir=" + dir.resolve("profile")));
    cmd.addAll(List.of(args));
    cmd.add(url);
    Path out = dir.resolve("chromium.out");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("chromium.err").toFile())
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("chromium did not finish within 90 s: " + cmd);
    }
    assertThat(p.exitValue())
        .as(Files.readString(dir.resolve("chromium.err"), StandardCharsets.UTF_8))
        .isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void chromiumRendersNodesByZoneAndOperations() throws Exception {
    Optional<Path> exe = chromium();
    assumeTrue(exe.isPresent(), "chromium is not installed (bin/test installs it)");
    cluster = LocalClusters.start(dir.resolve("data"), LocalCluster.DEFAULT_SIZE).cluster();
    QuorumKvServer one = cluster.running(1).orElseThrow();
    InetSocketAddress sql = one.sqlAddress();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:quorumkv://" + sql.getHostString() + ":" + sql.getPort());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE p (id BIGINT PRIMARY KEY, v INTEGER)");
      for (int i = 0; i < 5; i++) {
        s.execute("INSERT INTO p (id, v) VALUES (" + i + ", 1)");
      }
    }
    InetSocketAddress h = one.httpAddress();
    String url = "http://" + h.getHostString() + ":" + h.getPort() + "/";

    String dom = chromium(exe.get(), url, "--dump-dom");
    assertThat(dom).contains("<h1>QuorumKV node 1</h1>");
    for (int i = 1; i <= 3; i++) {
      assertThat(dom).contains("<tr><td>zone-" + i + "</td><td>" + i + "</td><td class=\"up\">up");
    }
    assertThat(dom).containsPattern("<tr><td>update</td><td>applied</td><td>([5-9]|\\d\\d+)</td>");
    assertThat(dom).contains("segments.held");

    Path shot = Path.of("target", "status-page.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    chromium(exe.get(), url, "--window-size=1000,900", "--screenshot=" + shot);
    byte[] png = Files.readAllBytes(shot);
    assertThat(png.length).isGreaterThan(2000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
