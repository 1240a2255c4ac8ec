package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node process with the production logging config (the main class path, without the test
 * resources' quieter one): every line it writes until it serves has a timestamp, the thread (which
 * names node 7) and the level.
 */
class NodeLogFormatTest {
  @TempDir Path dir;

  /** {@code 2026-12-07T20:31:02.123Z [qkv-io-7-1-1] INFO ReplicaNode - ...}. */
  private static final Pattern LINE =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"
              + " \\[(\\S*/node-7|qkv-[a-z]+-7(-\\S*)?)\\] (TRACE|DEBUG|INFO|WARN|ERROR) \\S+ - .*");

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Test
  void everyLineHasTimestampThreadWithNodeIdAndLevel() throws Exception {
    Path config = dir.resolve("node.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "node.id = 7",
            "listen.address = 127.0.0.1",
            "peer.port = " + freePort(),
            "sql.port = 0",
            "http.port = 0",
            "peers = 8=127.0.0.1:" + freePort(),
            "data.dir = " + dir.resolve("data"),
            "engine.kind = memory"));
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !e.endsWith("test-classes"))
            .collect(Collectors.joining(File.pathSeparator));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                classPath,
                QuorumKvServer.class.getName(),
                config.toString())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("/metrics, /health, /ready on")) {
          break; // started: the node logs this last
        }
      }
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3); // replica up, SQL port, HTTP port
    assertThat(lines.get(lines.size() - 1)).contains("/metrics, /health, /ready on");
    assertThat(lines).allSatisfy(l -> assertThat(l).matches(LINE));
  }
}
