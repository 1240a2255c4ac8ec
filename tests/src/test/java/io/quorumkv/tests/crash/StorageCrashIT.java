package io.quorumkv.tests.crash;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a writing child JVM ({@link CrashWriter}) with SIGKILL at a random moment, reopens the
 * engine in this JVM and checks, per writer thread, that the table holds exactly the state after
 * its acknowledged operations — or after those plus the one operation that was in flight, applied
 * whole. So every acknowledged record is present with its value, nothing is invented or corrupted,
 * and batches are all-or-nothing. Rounds run one after another on the same directory, so later
 * rounds also recover a database that was itself recovered from a crash, and each round re-checks
 * the records of every earlier round.
 *
 * <p>One round in five times the kill from the child's start rather than from its {@code ready}, so
 * it often lands while the child is still opening the engine (running recovery).
 *
 * <p>Settings: {@code -Dcrash.seed=N} replays the workload and kill times of a failed run (thread
 * scheduling in the child is not replayable); {@code -Dcrash.rounds=N} (default 8) rounds per
 * engine kind. A failed run keeps its directory under {@code target/crash-it/} and names it.
 */
class StorageCrashIT {

  private static final Logger LOG = LoggerFactory.getLogger(StorageCrashIT.class);

  private static final int THREADS = 4;

  private static final long SEED = Long.getLong("crash.seed", new SplittableRandom().nextLong());

  private static final int ROUNDS = Integer.getInteger("crash.rounds", 8);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lsm", "bitcask"})
  void acknowledgedWritesSurviveSigkill(String kind) throws Exception {
    Assumptions.assumeTrue(
        providerAvailable(kind),
        "no storage engine provider of kind '"
            + kind
            + "' on the class path yet (its module is still being written); this case runs"
            + " once the provider is registered");
    Path base = Path.of("target", "crash-it", kind + "-" + SEED).toAbsolutePath();
    deleteTree(base);
    Path db = base.resolve("db");
    Files.createDirectories(db);
    Random rnd = new Random(SEED ^ kind.hashCode());
    Map<String, String> earlierRounds = new TreeMap<>();
    long totalAcks = 0;
    for (int round = 0; round < ROUNDS; round++) {
      try {
        totalAcks += runRound(kind, db, base, round, rnd, earlierRounds);
      } catch (AssertionError | RuntimeException | IOException | InterruptedException e) {
        throw new AssertionError(
            "crash test of engine '"
                + kind
                + "' failed in round "
                + round
                + " with seed "
                + SEED
                + "; the directory is kept in "
                + base
                + "; replay with: mvn -pl tests verify -Dit.test=StorageCrashIT -Dcrash.seed="
                + SEED,
            e);
      }
    }
    assertThat(totalAcks).as("acknowledged writes over all rounds").isPositive();
    LOG.info("{}: {} rounds, {} acknowledged operations, seed {}", kind, ROUNDS, totalAcks, SEED);
    deleteTree(base);
  }

  /** One child run, kill and check; returns the number of acknowledged operations. */
  private static long runRound(
      String kind, Path db, Path base, int round, Random rnd, Map<String, String> earlierRounds)
      throws IOException, InterruptedException {
    Path log = base.resolve("child-" + round + ".log");
    // The child's stdout goes to a file, not a pipe: the file keeps every line the child wrote
    // even though the child dies mid-stream, and is read only once the child is gone. (Reading a
    // pipe while the process is reaped can lose its last lines: the JDK closes the stream
    // under a blocked reader.)
    Path out = base.resolve("child-" + round + ".out");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                kind,
                db.toString(),
                Long.toString(SEED),
                Integer.toString(round),
                Integer.toString(THREADS))
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();

    boolean duringOpen = rnd.nextInt(5) == 0;
    long delayMillis = duringOpen ? rnd.nextInt(800) : 100 + rnd.nextInt(1_400);
    if (!duringOpen) {
      awaitReady(child, out, log);
    }
    Thread.sleep(delayMillis);
    assertThat(child.isAlive()).as("child still running before the kill (see %s)", log).isTrue();
    child.destroyForcibly(); // SIGKILL on Linux
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child gone after SIGKILL").isTrue();
    assertThat(child.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);

    List<String> lines = completeLines(out);
    int[] acked = new int[THREADS];
    long acks = 0;
    for (String line : lines) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "ready" -> {}
        case "ack" -> {
          int t = Integer.parseInt(f[1]);
          int op = Integer.parseInt(f[2]);
          assertThat(op).as("acks of thread %d arrive in order", t).isEqualTo(acked[t]);
          acked[t] = op + 1;
          acks++;
        }
        case "fail" -> throw new AssertionError("a write failed in the child: " + line);
        default -> throw new AssertionError("unexpected line from the child: " + line);
      }
    }

    Map<String, String> found = readAll(kind, db);
    check(found, round, acked, earlierRounds);
    LOG.info(
        "{} round {}: killed after {} ms{}, {} acks, {} keys",
        kind,
        round,
        delayMillis,
        duringOpen ? " from its start, maybe during open" : " after ready",
        acks,
        found.size());
    earlierRounds.clear();
    earlierRounds.putAll(found);
    return acks;
  }

  /**
   * Checks that, for every thread of this round, the keys under its prefix hold exactly the state
   * after its acknowledged operations, or after those and its next operation; that the keys of
   * earlier rounds are unchanged; and that no other key exists.
   */
  private static void check(
      Map<String, String> found, int round, int[] acked, Map<String, String> earlierRounds) {
    TreeMap<String, String> rest = new TreeMap<>(found);
    for (int t = 0; t < THREADS; t++) {
      String prefix = CrashWorkload.prefix(round, t);
      Map<String, String> mine = new TreeMap<>(rest.subMap(prefix, prefix + Character.MAX_VALUE));
      rest.keySet().removeAll(mine.keySet());
      CrashWorkload ops = new CrashWorkload(SEED, round, t);
      Map<String, String> afterAcked = new TreeMap<>();
      for (int i = 0; i < acked[t]; i++) {
        apply(afterAcked, ops.next().effects());
      }
      Map<String, String> afterInFlight = new TreeMap<>(afterAcked);
      apply(afterInFlight, ops.next().effects());
      if (!mine.equals(afterAcked) && !mine.equals(afterInFlight)) {
        throw new AssertionError(
            "thread "
                + t
                + " acknowledged "
                + acked[t]
                + " operations, but the recovered keys match neither the state after them nor"
                + " the state after the in-flight one: "
                + diff(mine, afterAcked));
      }
    }
    for (Map.Entry<String, String> e : earlierRounds.entrySet()) {
      assertThat(rest.remove(e.getKey()))
          .as("key %s of an earlier round", e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(rest).as("keys no writer wrote").isEmpty();
  }

  private static void apply(Map<String, String> state, Map<String, String> effects) {
    effects.forEach(
        (k, v) -> {
          if (v == null) {
            state.remove(k);
          } else {
            state.put(k, v);
          }
        });
  }

  private static String diff(Map<String, String> actual, Map<String, String> expected) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String a = actual.get(e.getKey());
      if (a == null) {
        out.add("missing " + e.getKey());
      } else if (!a.equals(e.getValue())) {
        out.add(e.getKey() + " = " + abbreviate(a) + ", expected " + abbreviate(e.getValue()));
      }
    }
    for (String k : actual.keySet()) {
      if (!expected.containsKey(k)) {
        out.add("unexpected " + k + " = " + abbreviate(actual.get(k)));
      }
    }
    return out.size() <= 20 ? out.toString() : out.subList(0, 20) + " and " + (out.size() - 20);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + " chars)";
  }

  /** Opens the engine in this JVM (running its recovery) and reads the whole table. */
  private static Map<String, String> readAll(String kind, Path db) {
    Map<String, String> all = new HashMap<>();
    try (StorageEngine engine = StorageEngineProvider.open(kind, db, Map.of())) {
      try (Scan s = engine.table(CrashWorkload.TABLE).scan(KeyRange.all())) {
        while (s.hasNext()) {
          KeyValue kv = s.next();
          all.put(new String(kv.key(), UTF_8), new String(kv.value(), UTF_8));
        }
      }
    }
    return all;
  }

  /** Waits until the child has opened the engine and printed {@code ready}. */
  private static void awaitReady(Process child, Path out, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (completeLines(out).isEmpty()) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("child did not open the engine; see " + log);
      }
      Thread.sleep(10);
    }
    assertThat(completeLines(out).get(0)).as("child's first line").isEqualTo("ready");
  }

  /** The lines of {@code file} that end with a newline; a torn last line is left out. */
  private static List<String> completeLines(Path file) throws IOException {
    String text = Files.readString(file, UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  private static boolean providerAvailable(String kind) {
    return ServiceLoader.load(StorageEngineProvider.class).stream()
        .anyMatch(p -> p.get().kind().equals(kind));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(StorageCrashIT::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
