package io.quorumkv.storage.bitcask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.StorageFailedException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import io.quorumkv.storage.bitcask.io.FaultyFileIo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Power loss, torn writes, ENOSPC and EIO on the simulated disk of {@link FaultyFileIo}, over many
 * seeds. After every recovery the table must equal the result of applying some prefix of the
 * submitted batches that includes every batch acknowledged before the last acknowledged SYNC write:
 * nothing durable is lost, nothing is invented or corrupted, batches are all or nothing.
 */
class BitcaskPowerLossSimTest {

  private static final Path DIR = Path.of("/sim/engine");
  private static final String TABLE = "t";

  /** Maintenance runs inline, so a seed replays exactly. */
  private static final Executor INLINE = Runnable::run;

  /** The writes of one run between recoveries, and which of them are known durable. */
  private static final class History {
    final List<TreeMap<byte[], byte[]>> states = new ArrayList<>();
    int durablePrefix;

    History(TreeMap<byte[], byte[]> base) {
      states.add(base);
    }

    TreeMap<byte[], byte[]> last() {
      return states.get(states.size() - 1);
    }

    void submitted(WriteBatch b) {
      TreeMap<byte[], byte[]> next = new TreeMap<>(last());
      for (WriteBatch.Mutation m : b.mutations()) {
        if (m.isDelete()) {
          next.remove(m.key());
        } else {
          next.put(m.key(), m.value());
        }
      }
      states.add(next);
    }

    /** Every batch submitted so far is durable. */
    void allDurable() {
      durablePrefix = states.size() - 1;
    }

    /** The differences between the recovered table and the last durable-or-later prefix. */
    String diff(TreeMap<byte[], byte[]> recovered) {
      StringBuilder sb = new StringBuilder();
      for (int p = durablePrefix; p < states.size(); p++) {
        sb.append("\n  vs prefix ").append(p).append(':');
        TreeMap<byte[], byte[]> s = states.get(p);
        for (var e : s.entrySet()) {
          byte[] r = recovered.get(e.getKey());
          if (!Arrays.equals(r, e.getValue())) {
            sb.append(' ').append(new String(e.getKey(), java.nio.charset.StandardCharsets.UTF_8));
            sb.append(r == null ? "(missing)" : "(differs)");
          }
        }
        for (var e : recovered.entrySet()) {
          if (!s.containsKey(e.getKey())) {
            sb.append(' ').append(new String(e.getKey(), java.nio.charset.StandardCharsets.UTF_8));
            sb.append("(extra)");
          }
        }
      }
      return sb.toString();
    }

    /** Which prefix the recovered table equals, or -1. */
    int match(TreeMap<byte[], byte[]> recovered) {
      for (int p = states.size() - 1; p >= durablePrefix; p--) {
        if (equal(states.get(p), recovered)) {
          return p;
        }
      }
      return -1;
    }
  }

  @Test
  void acknowledgedWritesSurvivePowerLoss() {
    Seeds.forEach(getClass().getSimpleName(), 250, seed -> powerLossScenario(seed, false));
  }

  /**
   * As above, but some writes are submitted in bursts without waiting, so the commit thread groups
   * several batches (and rolls over between them) in one write and one fsync. Which batches share a
   * group depends on thread timing, so a seed replays only approximately.
   */
  @Test
  void groupCommittedBurstsSurvivePowerLoss() {
    Seeds.forEach(getClass().getSimpleName(), 120, seed -> powerLossScenario(seed, true));
  }

  static void powerLossScenario(long seed, boolean bursts) {
    Random rnd = new Random(seed);
    FaultyFileIo fs = new FaultyFileIo(seed * 31 + 7);
    fs.mkdirsDurable(DIR);
    Map<String, String> options =
        Map.of(
            BitcaskOptions.MAX_FILE_BYTES,
            Integer.toString(1024 + rnd.nextInt(4096)),
            BitcaskOptions.MERGE_AUTO,
            "false");
    TreeMap<byte[], byte[]> base = newMap();
    for (int cycle = 0; cycle < 4; cycle++) {
      History h = new History(base);
      BitcaskEngine engine = BitcaskEngine.open(DIR, options, fs, INLINE);
      try {
        assertThat(contents(engine)).as("recovered state before cycle %d", cycle).isNotNull();
        if (rnd.nextInt(3) > 0) {
          fs.crashAfterOps(1 + rnd.nextInt(250));
        }
        runWrites(engine, rnd, h, 10 + rnd.nextInt(70), bursts);
        fs.powerLoss();
      } finally {
        engine.close();
      }
      fs.restart();
      BitcaskEngine reopened = BitcaskEngine.open(DIR, options, fs, INLINE);
      try {
        TreeMap<byte[], byte[]> recovered = contents(reopened);
        int p = h.match(recovered);
        assertThat(p)
            .as(
                "cycle %d: recovered %s matches no prefix of the %d submitted batches that holds"
                    + " the %d durable ones; damage: %s; %s",
                cycle,
                describe(recovered),
                h.states.size() - 1,
                h.durablePrefix,
                fs.damage(),
                h.diff(recovered) + DirDump.dump(fs, DIR.resolve(TABLE)))
            .isGreaterThanOrEqualTo(0);
        base = recovered;
      } finally {
        reopened.close();
      }
    }
  }

  /** Writes random batches until done or the first failure; maybe merges in between. */
  private static void runWrites(
      BitcaskEngine engine, Random rnd, History h, int steps, boolean bursts) {
    Table t;
    try {
      t = engine.table(TABLE);
    } catch (StorageException e) {
      return;
    }
    for (int i = 0; i < steps; i++) {
      try {
        if (rnd.nextInt(15) == 0) {
          engine.merge();
          continue;
        }
        if (bursts && rnd.nextInt(3) == 0) {
          if (!burst(t, rnd, h)) {
            return;
          }
          continue;
        }
        WriteBatch b = randomBatch(rnd);
        Durability d = rnd.nextInt(3) == 0 ? Durability.SYNC : Durability.BUFFERED;
        h.submitted(b);
        t.write(b, d);
        if (d == Durability.SYNC) {
          h.allDurable();
        }
      } catch (StorageException e) {
        assertThat(fs(e)).as("only simulated faults may fail a write: %s", e).isTrue();
        return;
      }
    }
  }

  /** Submits a few batches without waiting, then waits; false once one of them failed. */
  private static boolean burst(Table t, Random rnd, History h) {
    int n = 2 + rnd.nextInt(7);
    List<java.util.concurrent.CompletableFuture<Void>> futures = new ArrayList<>();
    List<Durability> durabilities = new ArrayList<>();
    int first = h.states.size();
    for (int i = 0; i < n; i++) {
      WriteBatch b = randomBatch(rnd);
      Durability d = rnd.nextInt(3) == 0 ? Durability.SYNC : Durability.BUFFERED;
      h.submitted(b);
      durabilities.add(d);
      futures.add(t.writeAsync(b, d));
    }
    boolean ok = true;
    for (int i = 0; i < n; i++) {
      try {
        futures.get(i).join();
        if (ok && durabilities.get(i) == Durability.SYNC) {
          h.durablePrefix = first + i;
        }
      } catch (java.util.concurrent.CompletionException e) {
        assertThat(fs(e)).as("only simulated faults may fail a write: %s", e).isTrue();
        ok = false;
      }
    }
    return ok;
  }

  private static boolean fs(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("simulated")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void diskFullFailsTheWriteAndTheEngineUntilReopen() {
    Seeds.forEach(getClass().getSimpleName(), 60, seed -> faultScenario(seed, false));
  }

  @Test
  void fsyncErrorIsFatalAndReopenRecoversAcknowledgedData() {
    Seeds.forEach(getClass().getSimpleName(), 60, seed -> faultScenario(seed, true));
  }

  /**
   * ENOSPC (or EIO on fsync) at a random point: the failing write reports an error, the engine
   * refuses every later write and read, and a reopen (after a power loss, half of the time) holds
   * every acknowledged write.
   */
  static void faultScenario(long seed, boolean eio) {
    Random rnd = new Random(seed);
    FaultyFileIo fs = new FaultyFileIo(seed * 17 + 3);
    fs.mkdirsDurable(DIR);
    Map<String, String> options =
        Map.of(
            BitcaskOptions.MAX_FILE_BYTES,
            Integer.toString(1024 + rnd.nextInt(2048)),
            BitcaskOptions.MERGE_AUTO,
            "false");
    History h = new History(newMap());
    boolean powerLoss = rnd.nextBoolean();
    BitcaskEngine engine = BitcaskEngine.open(DIR, options, fs, INLINE);
    try {
      Table t = engine.table(TABLE);
      if (eio) {
        fs.failForces(1);
      } else {
        fs.failWritesAfter(rnd.nextInt(8000));
      }
      boolean failed = false;
      for (int i = 0; i < 200 && !failed; i++) {
        WriteBatch b = randomBatch(rnd);
        // Every write asks for SYNC, so each one forces and EIO surfaces on the next write.
        h.submitted(b);
        try {
          t.write(b, Durability.SYNC);
          h.allDurable();
        } catch (StorageException e) {
          assertThat(fs(e)).as("the write fails with the simulated fault: %s", e).isTrue();
          failed = true;
        }
      }
      assertThat(failed).as("the fault surfaced").isTrue();
      assertThatThrownBy(() -> t.put(new byte[] {1}, new byte[] {1}, Durability.BUFFERED))
          .isInstanceOf(StorageFailedException.class);
      assertThatThrownBy(() -> t.get(new byte[] {1})).isInstanceOf(StorageFailedException.class);
      assertThatThrownBy(() -> engine.table("other")).isInstanceOf(StorageFailedException.class);
      fs.clearFaults();
      if (powerLoss) {
        fs.powerLoss();
      }
    } finally {
      engine.close();
    }
    if (powerLoss) {
      fs.restart();
    }
    BitcaskEngine reopened = BitcaskEngine.open(DIR, options, fs, INLINE);
    try {
      TreeMap<byte[], byte[]> recovered = contents(reopened);
      assertThat(h.match(recovered))
          .as(
              "recovered %s matches no prefix holding the %d acknowledged batches; damage %s",
              describe(recovered), h.durablePrefix, fs.damage())
          .isGreaterThanOrEqualTo(0);
      // And the engine works again.
      reopened.table(TABLE).put(new byte[] {9}, new byte[] {9}, Durability.SYNC);
    } finally {
      reopened.close();
    }
  }

  /**
   * A power loss at every step of one merge (writing outputs, renaming, the manifest switch,
   * deleting inputs oldest first) loses nothing and resurrects no deleted key. Every write is SYNC,
   * so the expected state is exact.
   */
  @Test
  void powerLossAtEveryStepOfAMerge() {
    Seeds.forEach(getClass().getSimpleName(), 6, BitcaskPowerLossSimTest::mergeCrashScenario);
  }

  static void mergeCrashScenario(long seed) {
    boolean completed = false;
    for (int crashAt = 1; !completed; crashAt++) {
      Random rnd = new Random(seed);
      FaultyFileIo fs = new FaultyFileIo(seed ^ crashAt);
      fs.mkdirsDurable(DIR);
      Map<String, String> options =
          Map.of(BitcaskOptions.MAX_FILE_BYTES, "1024", BitcaskOptions.MERGE_AUTO, "false");
      TreeMap<byte[], byte[]> expected = newMap();
      BitcaskEngine engine = BitcaskEngine.open(DIR, options, fs, INLINE);
      try {
        Table t = engine.table(TABLE);
        for (int i = 0; i < 120; i++) {
          WriteBatch b = randomBatch(rnd);
          t.write(b, Durability.SYNC);
          for (WriteBatch.Mutation m : b.mutations()) {
            if (m.isDelete()) {
              expected.remove(m.key());
            } else {
              expected.put(m.key(), m.value());
            }
          }
        }
        fs.crashAfterOps(crashAt);
        try {
          engine.merge();
          completed = !fs.isPowerLost();
        } catch (StorageException e) {
          assertThat(fs(e)).as("merge fails only by the simulated power loss: %s", e).isTrue();
        }
        fs.powerLoss();
      } finally {
        engine.close();
      }
      fs.restart();
      BitcaskEngine reopened = BitcaskEngine.open(DIR, options, fs, INLINE);
      try {
        TreeMap<byte[], byte[]> recovered = contents(reopened);
        assertThat(equal(recovered, expected))
            .as(
                "power loss at op %d of the merge: expected %s, recovered %s%s",
                crashAt,
                describe(expected),
                describe(recovered),
                DirDump.dump(fs, DIR.resolve(TABLE)))
            .isTrue();
        // A merge after recovery works and changes nothing visible.
        reopened.merge();
        assertThat(equal(contents(reopened), expected)).isTrue();
      } finally {
        reopened.close();
      }
      assertThat(crashAt).as("the merge finishes eventually").isLessThan(500);
    }
  }

  // ---------------------------------------------------------------- helpers

  static WriteBatch randomBatch(Random rnd) {
    WriteBatch.Builder b = WriteBatch.builder();
    int n = rnd.nextInt(6) == 0 ? 2 + rnd.nextInt(10) : 1;
    for (int i = 0; i < n; i++) {
      byte[] key = ("k" + rnd.nextInt(24)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (rnd.nextInt(5) == 0) {
        b.delete(key);
      } else {
        byte[] v = new byte[rnd.nextInt(10) == 0 ? 300 + rnd.nextInt(1500) : rnd.nextInt(60)];
        rnd.nextBytes(v);
        b.put(key, v);
      }
    }
    return b.build();
  }

  static TreeMap<byte[], byte[]> newMap() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  static TreeMap<byte[], byte[]> contents(BitcaskEngine engine) {
    TreeMap<byte[], byte[]> out = newMap();
    if (!engine.tableNames().contains(TABLE)) {
      return out;
    }
    Table t = engine.table(TABLE);
    try (Scan s = t.scan(KeyRange.all())) {
      while (s.hasNext()) {
        KeyValue kv = s.next();
        out.put(kv.key(), kv.value());
        assertThat(t.get(kv.key())).isEqualTo(kv.value());
      }
    }
    return out;
  }

  static boolean equal(TreeMap<byte[], byte[]> a, TreeMap<byte[], byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    var ia = a.entrySet().iterator();
    var ib = b.entrySet().iterator();
    while (ia.hasNext()) {
      var ea = ia.next();
      var eb = ib.next();
      if (!Arrays.equals(ea.getKey(), eb.getKey())
          || !Arrays.equals(ea.getValue(), eb.getValue())) {
        return false;
      }
    }
    return true;
  }

  static String describe(TreeMap<byte[], byte[]> m) {
    StringBuilder sb = new StringBuilder("{");
    for (var e : m.entrySet()) {
      sb.append(new String(e.getKey(), java.nio.charset.StandardCharsets.UTF_8))
          .append('=')
          .append(HexFormat.of().formatHex(e.getValue(), 0, Math.min(4, e.getValue().length)))
          .append("..(")
          .append(e.getValue().length)
          .append(") ");
    }
    return sb.append('}').toString();
  }
}
