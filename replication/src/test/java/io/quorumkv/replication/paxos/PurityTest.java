package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the determinism of the pure core: its sources may not read clocks, draw their own random
 * numbers, sleep, start threads or do IO. A plain source scan, so it needs no extra dependency.
 */
class PurityTest {
  private static final List<String> BANNED =
      List.of(
          "System.nanoTime",
          "System.currentTimeMillis",
          "Instant.now",
          "LocalDateTime.now",
          "Clock.system",
          "new Random",
          "java.util.Random",
          "ThreadLocalRandom",
          "SecureRandom",
          "Math.random",
          "Thread.sleep",
          "new Thread",
          "Executor",
          "CompletableFuture",
          "synchronized",
          "java.io.File",
          "java.nio.file",
          "java.net",
          "java.nio.channels",
          "org.slf4j",
          "System.out",
          "System.err",
          "printStackTrace");

  @Test
  void pureCoreUsesNoClockRandomnessThreadsOrIo() throws IOException {
    Path dir = Path.of("src/main/java/io/quorumkv/replication/paxos");
    assertThat(dir).isDirectory();
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("/**") || line.startsWith("//")) {
            continue; // prose may name what is banned
          }
          for (String b : BANNED) {
            if (line.contains(b)) {
              violations.add(f.getFileName() + ":" + (i + 1) + " uses " + b);
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }
}
