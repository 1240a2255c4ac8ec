package io.quorumkv.bench.storage;

import io.quorumkv.storage.StorageEngineProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the storage benchmark for each engine in a child JVM ({@link StorageBenchChild}), kills it
 * with SIGKILL after its measurements, measures recovery in a second child, and prints one Markdown
 * table.
 *
 * <pre>
 * StorageBench [--engines bitcask,lsm,memory] [--keys 1000000] [--threads 16] [--seconds 10]
 *              [--quick] [--dir DIR] [--out FILE]
 * </pre>
 */
public final class StorageBench {

  private StorageBench() {}

  /** Parsed command line. */
  private record Options(
      List<String> engines, int keys, int threads, double seconds, Path dir, Path out) {}

  /** One engine's collected numbers. */
  private record EngineResult(
      String engine, Map<String, String[]> phases, Map<String, String> metrics) {}

  /**
   * Entry point; see the class comment for the arguments.
   *
   * @throws Exception if a child fails
   */
  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    PrintStream out = System.out;
    out.printf(
        "storage benchmark: %d keys of %d bytes, %d-byte values, %d threads, %.0f s per read"
            + " phase, engines %s%n",
        o.keys,
        StorageBenchChild.KEY_BYTES,
        StorageBenchChild.VALUE_BYTES,
        o.threads,
        o.seconds,
        o.engines);
    List<EngineResult> results = new ArrayList<>();
    List<String> available = new ArrayList<>();
    ServiceLoader.load(StorageEngineProvider.class).forEach(p -> available.add(p.kind()));
    for (String engine : o.engines) {
      if (!available.contains(engine)) {
        out.println("skipped: no engine of kind '" + engine + "' on the class path");
        continue;
      }
      Path dir = o.dir.resolve(engine);
      deleteRecursively(dir);
      EngineResult r = new EngineResult(engine, new LinkedHashMap<>(), new LinkedHashMap<>());
      runChild(o, "load", engine, dir, r, true);
      if (!engine.equals("memory")) {
        runChild(o, "recover", engine, dir, r, false);
      }
      deleteRecursively(dir);
      results.add(r);
      out.println("done: " + engine);
    }
    String table = table(o, results);
    out.println();
    out.println(table);
    if (o.out != null) {
      Files.createDirectories(o.out.toAbsolutePath().getParent());
      Files.writeString(o.out, table, StandardCharsets.UTF_8);
      out.println("written to " + o.out);
    }
  }

  private static Options parse(String[] args) {
    List<String> engines = List.of("bitcask", "lsm", "memory");
    int keys = 1_000_000;
    int threads = 16;
    double seconds = 10;
    Path dir = Path.of("bench/target/storage-bench");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--engines" -> engines = List.of(args[++i].split(","));
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--quick" -> {
          keys = 100_000;
          seconds = 3;
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + args[i] + "'; see the StorageBench Javadoc");
      }
    }
    return new Options(engines, keys, threads, seconds, dir, out);
  }

  private static void runChild(
      Options o, String mode, String engine, Path dir, EngineResult r, boolean killAtEnd)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-Xmx4g",
            "-cp",
            System.getProperty("java.class.path"),
            StorageBenchChild.class.getName(),
            mode,
            engine,
            dir.toString(),
            Integer.toString(o.keys),
            Integer.toString(o.threads),
            Double.toString(o.seconds));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    boolean crashReady = false;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          Map<String, String> f = fields(line);
          r.phases.put(
              f.get("phase"),
              new String[] {
                f.get("ops"), f.get("seconds"), f.get("p50"), f.get("p99"), f.get("p999")
              });
        } else if (line.startsWith("METRIC ")) {
          Map<String, String> f = fields(line);
          r.metrics.put(f.get("name"), f.get("value"));
        } else if (line.equals("CRASH-READY") && killAtEnd) {
          crashReady = true;
          p.destroyForcibly(); // SIGKILL on Linux: nothing is flushed or closed.
          break;
        }
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
    if (killAtEnd && !crashReady) {
      throw new IllegalStateException(engine + " " + mode + " child failed, exit " + p.exitValue());
    }
    if (!killAtEnd && p.exitValue() != 0) {
      throw new IllegalStateException(engine + " " + mode + " child failed, exit " + p.exitValue());
    }
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : line.substring(line.indexOf(' ') + 1).split(" ")) {
      int eq = part.indexOf('=');
      f.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return f;
  }

  private static String table(Options o, List<EngineResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "Storage benchmark, %s, %d cores: %d keys of %d bytes, %d-byte values, %d threads,"
                + " %.0f s per read phase.%n%n",
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            o.keys,
            StorageBenchChild.KEY_BYTES,
            StorageBenchChild.VALUE_BYTES,
            o.threads,
            o.seconds));
    sb.append("| engine | phase | ops/s | p50 µs | p99 µs | p999 µs |\n");
    sb.append("|---|---|---:|---:|---:|---:|\n");
    for (EngineResult r : results) {
      for (Map.Entry<String, String[]> e : r.phases.entrySet()) {
        String[] v = e.getValue();
        double opsPerSec = Long.parseLong(v[0]) / Double.parseDouble(v[1]);
        sb.append(
            String.format(
                "| %s | %s | %,.0f | %s | %s | %s |%n",
                r.engine, e.getKey(), opsPerSec, v[2], v[3], v[4]));
      }
    }
    sb.append(
        "\n| engine | batching factor (writes per group) | fsyncs | heap B/key | RSS B/key |"
            + " recovery open ms | keys missing after recovery (of 10,000 sampled) | rows per scan |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (EngineResult r : results) {
      Map<String, String> m = r.metrics;
      sb.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
              r.engine,
              m.getOrDefault("batching-factor", "n/a"),
              m.getOrDefault("commit.syncs", "n/a"),
              m.getOrDefault("heap-bytes-per-key", "n/a"),
              m.getOrDefault("rss-bytes-per-key", "n/a"),
              m.getOrDefault("recovery-open-ms", "n/a"),
              m.getOrDefault("recovery-missing-of-10000", "n/a"),
              rowsPerScan(r)));
    }
    return sb.toString();
  }

  private static String rowsPerScan(EngineResult r) {
    String[] scan = r.phases.get("scan-1000");
    String rows = r.metrics.get("scan-1000-rows");
    if (scan == null || rows == null || Long.parseLong(scan[0]) == 0) {
      return "n/a";
    }
    return String.format("%.0f", Long.parseLong(rows) / (double) Long.parseLong(scan[0]));
  }

  private static void deleteRecursively(Path dir) throws IOException {
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
