package io.quorumkv.bench.peers.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every real target must do in a short run, and helpers to start the peers for tests. */
final class TargetChecks {
  private TargetChecks() {}

  /** Keys the target tests load. */
  static final long KEYS = 200;

  /**
   * Runs {@code w} with 4 clients for a second: no errors, and CAS applies. On this shared machine
   * a one-second window can pass without a single operation completing inside it (a stalled fsync,
   * a descheduled server), so an empty window is run again, a few times at most.
   */
  static RunResult check(Target target, Workload w) throws Exception {
    RunResult r = null;
    for (int attempt = 0; attempt < 5 && (r == null || r.ops() == 0); attempt++) {
      r =
          LoadGenerator.run(
              target,
              w,
              new LoadOptions(KEYS, 100, 4, Duration.ofMillis(200), Duration.ofSeconds(1), 1),
              MeasureListener.NONE);
      assertThat(r.errors()).as("%s %s errors", target.name(), w).isZero();
    }
    assertThat(r.ops()).as("%s %s ops", target.name(), w).isPositive();
    if (w == Workload.CAS || w == Workload.CAS_HOT) {
      assertThat(r.applied()).isPositive();
      assertThat(r.applied() + r.conflicts()).isEqualTo(r.ops());
    }
    return r;
  }

  /** One client's get, put and compare-and-set mean what the {@link Client} contract says. */
  static void checkSemantics(Target target) throws Exception {
    try (Client c = target.newClient()) {
      String key = Keys.key(KEYS - 1);
      byte[] a = "value a".getBytes(UTF_8);
      byte[] b = "value b".getBytes(UTF_8);
      byte[] other = "other".getBytes(UTF_8);
      assertThat(c.get(key)).hasSize(100); // loaded
      c.put(key, a);
      assertThat(c.get(key)).isEqualTo(a);
      assertThat(c.compareAndSet(key, other, b)).isFalse();
      assertThat(c.get(key)).isEqualTo(a);
      assertThat(c.compareAndSet(key, a, b)).isTrue();
      assertThat(c.get(key)).isEqualTo(b);
      assertThat(c.get("no such key")).isNull();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Stops a server process started by a test: SIGTERM, then SIGKILL if it lingers. */
  static void stop(Process p) throws InterruptedException {
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
