package io.quorumkv.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the report says about the machine and the software, read once at the start. */
record Environment(String machine, String loadAverage, String versions) {

  /** How each system is set up, for the report. */
  static final String SETUP =
      "Setup: every system on loopback on this machine, one at a time, with the same load"
          + " generator (closed loop, one operation in flight per client). etcd: 3 members on"
          + " 127.0.0.1, defaults (WAL fsync per commit), linearizable reads, jetcd. PostgreSQL:"
          + " single node, `"
          + String.join(" ", PostgresServer.SETTINGS)
          + "`, TCP on loopback, its JDBC driver; postgres-sync adds one streaming standby on"
          + " loopback with `synchronous_standby_names = '*'` (every commit waits for the"
          + " standby's flush). QuorumKV: 3 node JVMs on 127.0.0.2-4 (`"
          + String.join(" ", QuorumKvCluster.NODE_JVM_OPTIONS)
          + "`), bitcask, durable (fsync) state writes, merging on unless `-nomerge`; through its"
          + " JDBC driver (`quorumkv-jdbc`) and its native client (`quorumkv-native`). System CPU"
          + " is utime+stime from /proc of the system's processes and all their descendants"
          + " (PostgreSQL's backends, the standby) over the measured window; the load generator's"
          + " own CPU is separate. QuorumKV message counts are the nodes' counters over the same"
          + " window.";

  static Environment capture(String etcd, Path pgBin) {
    String cpu = "unknown CPU";
    String mem = "";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
      mem =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal"))
              .map(
                  l ->
                      String.format(
                          Locale.ROOT,
                          ", %.0f GB RAM",
                          Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
              .findFirst()
              .orElse("");
    } catch (IOException e) {
      // not Linux: the report says less
    }
    String machine =
        String.format(
            Locale.ROOT,
            "%s, %d cores%s, Linux %s",
            cpu,
            Runtime.getRuntime().availableProcessors(),
            mem,
            System.getProperty("os.version"));
    String versions =
        String.join(
            "; ",
            firstLine(etcd, "--version"),
            PostgresServer.version(pgBin),
            "Java " + System.getProperty("java.version"),
            "QuorumKV " + gitCommit());
    return new Environment(machine, readLoadAverage(), versions);
  }

  /** The 1-, 5- and 15-minute load averages. */
  static String readLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String firstLine(String binary, String arg) {
    try {
      return Daemon.run(List.of(binary, arg)).lines().findFirst().orElse(binary).trim();
    } catch (IOException e) {
      return binary + ": unknown version";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return binary + ": unknown version";
    }
  }

  private static String gitCommit() {
    try {
      String head = Daemon.run(List.of("git", "rev-parse", "--short", "HEAD")).trim();
      String dirty = Daemon.run(List.of("git", "status", "--porcelain", "--untracked-files=no"));
      return head + (dirty.isBlank() ? "" : " (with uncommitted changes)");
    } catch (IOException e) {
      return "(no git)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(no git)";
    }
  }
}
