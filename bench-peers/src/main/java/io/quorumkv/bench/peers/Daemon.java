package io.quorumkv.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process this benchmark started, its output in a log file, stopped by its PID: a signal,
 * a grace period, then SIGKILL.
 */
final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final String name;
  private final Process process;
  private final Path log;

  private Daemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with stdin from /dev/null and stdout and stderr to {@code log}. */
  static Daemon start(String name, List<String> command, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    LOG.debug("started {} as PID {}: {}", name, p.pid(), command);
    return new Daemon(name, p, log);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last {@code lines} lines of the log, for error messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  Path log() {
    return log;
  }

  /**
   * Sends {@code signal} (e.g. {@code TERM}, {@code INT}) to the process, waits up to {@code
   * graceSeconds} for it to exit, then kills it.
   */
  void stop(String signal, long graceSeconds) {
    if (!process.isAlive()) {
      return;
    }
    try {
      if ("TERM".equals(signal)) {
        process.destroy();
      } else {
        run(List.of("kill", "-" + signal, Long.toString(process.pid())));
      }
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        LOG.warn(
            "{} (PID {}) still running {} s after SIG{}; killing it",
            name,
            pid(),
            graceSeconds,
            signal);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (IOException e) {
      LOG.warn("could not signal {} (PID {}): {}; killing it", name, pid(), e.toString());
      process.destroyForcibly();
    }
  }

  /**
   * Runs a short command to completion, its output to this JVM's log on failure.
   *
   * @throws IOException if it cannot be started or exits with a non-zero status
   */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IOException(command + " exited with " + p.exitValue() + ": " + out.trim());
    }
    return out;
  }

  /** A port free on 127.0.0.1 right now. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Deletes {@code dir} and everything under it, if it exists. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      List<Path> paths = new ArrayList<>(s.sorted(java.util.Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
