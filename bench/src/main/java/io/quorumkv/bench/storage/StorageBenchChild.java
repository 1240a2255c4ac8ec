package io.quorumkv.bench.storage;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import io.quorumkv.storage.Table;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * One engine's benchmark, run in a JVM of its own by {@link StorageBench}. Prints its results as
 * {@code RESULT} lines on standard output for the parent to collect:
 *
 * <pre>
 * RESULT phase=&lt;name&gt; ops=&lt;n&gt; seconds=&lt;s&gt; p50=&lt;us&gt; p99=&lt;us&gt; p999=&lt;us&gt;
 * METRIC name=&lt;name&gt; value=&lt;v&gt;
 * </pre>
 *
 * <p>Mode {@code load} loads, reads and scans, then prints {@code CRASH-READY} and waits to be
 * killed with SIGKILL; mode {@code recover} measures how long opening the crashed engine takes.
 */
public final class StorageBenchChild {

  static final String TABLE = "bench";
  static final int KEY_BYTES = 16;
  static final int VALUE_BYTES = 100;
  static final int SCAN_LENGTH = 1_000;

  private StorageBenchChild() {}

  /**
   * Entry point: {@code load|recover <engine> <dir> <keys> <threads> <seconds>}.
   *
   * @throws Exception on any failure, which fails the benchmark
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String kind = args[1];
    Path dir = Path.of(args[2]);
    int keys = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    double seconds = Double.parseDouble(args[5]);
    PrintStream out = System.out;
    if (mode.equals("load")) {
      load(out, kind, dir, keys, threads, seconds);
    } else {
      recover(out, kind, dir, keys);
    }
  }

  /** The {@code i}-th key: 8 scattered bytes (so the load order is random) and 8 of the index. */
  static byte[] key(long i) {
    return ByteBuffer.allocate(KEY_BYTES).putLong(scatter(i)).putLong(i).array();
  }

  private static long scatter(long x) {
    x ^= x >>> 31;
    x *= 0x7fb5d329728ea185L;
    x ^= x >>> 27;
    x *= 0x81dadef4bc2dd44dL;
    return x ^ (x >>> 33);
  }

  private static void load(
      PrintStream out, String kind, Path dir, int keys, int threads, double seconds)
      throws Exception {
    Files.createDirectories(dir);
    long heap0 = usedHeapAfterGc();
    long rss0 = rssBytes();
    StorageEngine engine = StorageEngineProvider.open(kind, dir, Map.of());
    Table table = engine.table(TABLE);
    ExecutorService pool = Executors.newFixedThreadPool(threads);

    // Durable load: every key once, each thread waiting for its own SYNC put, so up to `threads`
    // writes are in flight together and group commit can share fsyncs among them.
    List<Callable<Histogram>> loaders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      loaders.add(
          () -> {
            Histogram h = histogram();
            byte[] value = new byte[VALUE_BYTES];
            SplittableRandom rnd = new SplittableRandom(id);
            for (long i = id; i < keys; i += threads) {
              rnd.nextBytes(value);
              long t0 = System.nanoTime();
              table.put(key(i), value.clone(), Durability.SYNC);
              h.recordValue((System.nanoTime() - t0) / 1_000);
            }
            return h;
          });
    }
    long start = System.nanoTime();
    Histogram puts = merge(pool.invokeAll(loaders));
    report(out, "put-sync", puts, (System.nanoTime() - start) / 1e9);
    Map<String, Long> m = engine.metrics();
    for (Map.Entry<String, Long> e : m.entrySet()) {
      out.println("METRIC name=" + e.getKey() + " value=" + e.getValue());
    }
    Long groups = m.get("commit.groups");
    Long requests = m.get("commit.requests");
    if (groups != null && requests != null && groups > 0) {
      out.printf("METRIC name=batching-factor value=%.2f%n", requests / (double) groups);
    }

    long heap1 = usedHeapAfterGc();
    long rss1 = rssBytes();
    out.printf("METRIC name=heap-bytes-per-key value=%.1f%n", (heap1 - heap0) / (double) keys);
    out.printf("METRIC name=rss-bytes-per-key value=%.1f%n", (rss1 - rss0) / (double) keys);

    timed(out, pool, threads, seconds, "get-uniform", id -> uniformGets(table, keys, id));
    timed(out, pool, threads, seconds, "get-zipfian", id -> zipfianGets(table, keys, id));
    timed(out, pool, threads, seconds, "scan-1000", id -> scans(table, keys, id));
    pool.shutdown();

    // A last burst of buffered writes so the crash leaves an active tail to recover.
    for (long i = 0; i < Math.min(keys, 10_000); i++) {
      table.put(key(i), ("after-" + i).getBytes(StandardCharsets.UTF_8), Durability.BUFFERED);
    }
    out.println("CRASH-READY");
    out.flush();
    // The parent now kills this JVM with SIGKILL: the engine is deliberately never closed.
    while (System.in.read() >= 0) {
      // Wait for the kill.
    }
  }

  /** Per-thread operation factory: given a thread id, returns a function performing one op. */
  private interface OpFactory {
    LongSupplier forThread(int id);
  }

  private static LongSupplier uniformGets(Table table, int keys, int id) {
    SplittableRandom rnd = new SplittableRandom(1000 + id);
    return () -> {
      if (table.get(key(rnd.nextInt(keys))) == null) {
        throw new IllegalStateException("a loaded key is missing");
      }
      return 1;
    };
  }

  private static LongSupplier zipfianGets(Table table, int keys, int id) {
    ZipfianGenerator zipf = new ZipfianGenerator(keys, 0.99, new SplittableRandom(2000 + id));
    return () -> {
      if (table.get(key(zipf.next())) == null) {
        throw new IllegalStateException("a loaded key is missing");
      }
      return 1;
    };
  }

  private static LongSupplier scans(Table table, int keys, int id) {
    SplittableRandom rnd = new SplittableRandom(3000 + id);
    // Keys start with 8 uniformly scattered bytes, so a range of 2^64 * 1000 / keys in those bytes
    // holds about 1,000 keys: a bounded range, as a range query over a key prefix would be.
    long width = Long.divideUnsigned(-1L, keys) * SCAN_LENGTH;
    return () -> {
      int n = 0;
      long from = rnd.nextLong();
      long to = from + width;
      byte[] end =
          Long.compareUnsigned(to, from) < 0 ? null : ByteBuffer.allocate(8).putLong(to).array();
      byte[] start = ByteBuffer.allocate(8).putLong(from).array();
      try (Scan s = table.scan(KeyRange.of(start, end))) {
        while (n < SCAN_LENGTH && s.hasNext()) {
          s.next();
          n++;
        }
      }
      return n;
    };
  }

  private static void timed(
      PrintStream out,
      ExecutorService pool,
      int threads,
      double seconds,
      String phase,
      OpFactory factory)
      throws Exception {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong rows = new AtomicLong();
    List<Callable<Histogram>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      tasks.add(
          () -> {
            Histogram h = histogram();
            LongSupplier op = factory.forThread(id);
            long r = 0;
            long now = System.nanoTime();
            while (now < deadline) {
              r += op.getAsLong();
              long after = System.nanoTime();
              h.recordValue((after - now) / 1_000);
              now = after;
            }
            rows.addAndGet(r);
            return h;
          });
    }
    long start = System.nanoTime();
    Histogram h = merge(pool.invokeAll(tasks));
    report(out, phase, h, (System.nanoTime() - start) / 1e9);
    out.println("METRIC name=" + phase + "-rows value=" + rows.get());
  }

  private static void recover(PrintStream out, String kind, Path dir, int keys) throws Exception {
    long t0 = System.nanoTime();
    try (StorageEngine engine = StorageEngineProvider.open(kind, dir, Map.of())) {
      Table table = engine.table(TABLE);
      long opened = System.nanoTime();
      out.printf("METRIC name=recovery-open-ms value=%.1f%n", (opened - t0) / 1e6);
      int missing = 0;
      SplittableRandom rnd = new SplittableRandom(4);
      for (int i = 0; i < 10_000; i++) {
        if (table.get(key(rnd.nextInt(keys))) == null) {
          missing++;
        }
      }
      out.println("METRIC name=recovery-missing-of-10000 value=" + missing);
    }
  }

  private static Histogram histogram() {
    return new Histogram(60_000_000L, 3);
  }

  private static Histogram merge(List<Future<Histogram>> parts) throws Exception {
    Histogram all = histogram();
    for (Future<Histogram> f : parts) {
      all.add(f.get());
    }
    return all;
  }

  private static void report(PrintStream out, String phase, Histogram h, double seconds) {
    out.printf(
        "RESULT phase=%s ops=%d seconds=%.2f p50=%d p99=%d p999=%d%n",
        phase,
        h.getTotalCount(),
        seconds,
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9));
    out.flush();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
