package io.quorumkv.tests.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions nodes of a {@link ProcessCluster} with iptables DROP rules on the loopback interface,
 * between the nodes' addresses ({@code 127.0.0.2..4}), in both directions.
 *
 * <p>The rules match only TCP traffic to or from the two nodes' <em>peer ports</em> ({@code -m
 * multiport --ports}), so other builds sharing this machine and its loopback addresses are not cut
 * off, and clients in the test JVM still reach every node: a client of an isolated node sees what a
 * client in the minority of a real partition sees. DROP (not REJECT) makes the cut silent: packets
 * vanish, TCP retransmits, and established connections resume after healing.
 *
 * <p>Every rule added is remembered and removed by exactly its own spec ({@code iptables -D}) on
 * {@link #heal}, on {@link #close}, and by a JVM shutdown hook if the test JVM exits without
 * closing. Thread-safe (the hook may race the test thread).
 */
final class LoopbackFirewall implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackFirewall.class);
  private static final String COMMENT = "quorumkv-cluster-it";

  /** Debian keeps iptables in /usr/sbin, which is not on every user's PATH. */
  private static final String IPTABLES =
      Files.isExecutable(Path.of("/usr/sbin/iptables")) ? "/usr/sbin/iptables" : "iptables";

  private final List<List<String>> added = new ArrayList<>();
  private final Thread hook = new Thread(this::removeAllQuietly, "loopback-firewall-cleanup");
  private boolean hookInstalled;

  /**
   * Why iptables cannot be used here (not installed, not permitted), or empty if it can: lists the
   * INPUT chain, which needs the binary and the privilege to change rules.
   */
  static Optional<String> unavailableReason() {
    try {
      Result r = run(List.of(IPTABLES, "-w", "-S", "INPUT"));
      if (r.status != 0) {
        return Optional.of(
            "'iptables -S INPUT' failed with status "
                + r.status
                + " (not root, or no netfilter here): "
                + r.output.strip());
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("iptables is not installed (bin/test installs it when run as root): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking iptables");
    }
  }

  /**
   * Cuts node {@code node} off from every other node of {@code cluster}: drops all packets between
   * their addresses that involve either node's peer port.
   */
  void isolate(ProcessCluster cluster, int node) throws IOException, InterruptedException {
    for (int other = 1; other <= ProcessCluster.SIZE; other++) {
      if (other == node) {
        continue;
      }
      String ports = cluster.peerPort(node) + "," + cluster.peerPort(other);
      drop(ProcessCluster.host(node), ProcessCluster.host(other), ports);
      drop(ProcessCluster.host(other), ProcessCluster.host(node), ports);
    }
  }

  private synchronized void drop(String from, String to, String ports)
      throws IOException, InterruptedException {
    List<String> spec =
        List.of(
            "INPUT",
            "-i",
            "lo",
            "-p",
            "tcp",
            "-s",
            from,
            "-d",
            to,
            "-m",
            "multiport",
            "--ports",
            ports,
            "-m",
            "comment",
            "--comment",
            COMMENT,
            "-j",
            "DROP");
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(hook);
      hookInstalled = true;
    }
    List<String> cmd = new ArrayList<>(List.of(IPTABLES, "-w", "-A"));
    cmd.addAll(spec);
    Result r = run(cmd);
    if (r.status != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + r.output.strip());
    }
    added.add(spec);
    LOG.info("iptables -A {}", String.join(" ", spec));
  }

  /** Removes every rule this firewall added (the partition heals). */
  synchronized void heal() throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    for (List<String> spec : List.copyOf(added)) {
      List<String> cmd = new ArrayList<>(List.of(IPTABLES, "-w", "-D"));
      cmd.addAll(spec);
      Result r = run(cmd);
      if (r.status == 0) {
        added.remove(spec);
      } else {
        failures.add(String.join(" ", cmd) + ": " + r.output.strip());
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("cannot remove iptables rules: " + failures);
    }
    LOG.info("partition healed (rules removed)");
  }

  private synchronized void removeAllQuietly() {
    try {
      if (!added.isEmpty()) {
        heal();
      }
    } catch (IOException | AssertionError e) {
      LOG.error("iptables rules left behind (comment {}): {}", COMMENT, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes what is left and then the shutdown hook. */
  @Override
  public void close() throws IOException {
    try {
      heal();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // rules may be left: the shutdown hook removes them when the JVM exits
    }
    if (hookInstalled) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (and finds nothing left)
      }
      hookInstalled = false;
    }
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out: " + out);
    }
    return new Result(p.exitValue(), out);
  }
}
