package io.quorumkv.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Drives an engine and a {@link TreeMap} model through the same random operations — puts, deletes,
 * batches, gets, range scans and, for persistent engines, restarts — and asserts after each step
 * that they agree. Deterministic for a seed, so a failure replays exactly.
 */
public final class EngineModelCheck {

  private static final String TABLE = "model";

  private final Function<Path, StorageEngine> opener;
  private final boolean persistent;
  private final Consumer<StorageEngine> maintenance;

  /**
   * @param opener opens the engine kept in a directory, running recovery
   * @param persistent whether the engine keeps data across a close and reopen
   * @param maintenance an engine-specific background step to interleave (e.g. a Bitcask merge), or
   *     a no-op
   */
  public EngineModelCheck(
      Function<Path, StorageEngine> opener,
      boolean persistent,
      Consumer<StorageEngine> maintenance) {
    this.opener = opener;
    this.persistent = persistent;
    this.maintenance = maintenance;
  }

  /**
   * Runs {@code steps} random operations from {@code seed} in {@code dir}.
   *
   * @throws AssertionError naming the seed and step when the engine and the model disagree
   */
  public void run(Path dir, long seed, int steps) {
    Random rnd = new Random(seed);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    StorageEngine engine = opener.apply(dir);
    List<OpenScan> scans = new ArrayList<>();
    try {
      for (int step = 0; step < steps; step++) {
        String op = "?";
        try {
          int dice = rnd.nextInt(100);
          Table t = engine.table(TABLE);
          if (dice < 35) {
            op = "put";
            byte[] k = key(rnd);
            byte[] v = value(rnd);
            t.put(k, v, durability(rnd));
            model.put(k, v);
          } else if (dice < 45) {
            op = "delete";
            byte[] k = key(rnd);
            t.delete(k, durability(rnd));
            model.remove(k);
          } else if (dice < 55) {
            op = "batch";
            WriteBatch.Builder wb = WriteBatch.builder();
            int n = 1 + rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
              byte[] k = key(rnd);
              if (rnd.nextInt(4) == 0) {
                wb.delete(k);
                model.remove(k);
              } else {
                byte[] v = value(rnd);
                wb.put(k, v);
                model.put(k, v);
              }
            }
            t.write(wb.build(), durability(rnd));
          } else if (dice < 75) {
            op = "get";
            byte[] k = key(rnd);
            assertThat(t.get(k)).isEqualTo(model.get(k));
          } else if (dice < 80) {
            op = "scan-open";
            if (scans.size() < 3) {
              KeyRange range = randomRange(rnd);
              scans.add(new OpenScan(t.scan(range), expected(model, range).iterator()));
            }
          } else if (dice < 86) {
            op = "scan-advance";
            if (!scans.isEmpty()) {
              OpenScan s = scans.get(rnd.nextInt(scans.size()));
              if (s.advance(1 + rnd.nextInt(5))) {
                scans.remove(s);
              }
            }
          } else if (dice < 90) {
            op = "scan";
            byte[] a = key(rnd);
            byte[] b = key(rnd);
            if (Arrays.compareUnsigned(a, b) > 0) {
              byte[] x = a;
              a = b;
              b = x;
            }
            KeyRange range = rnd.nextInt(5) == 0 ? KeyRange.all() : KeyRange.of(a, b);
            assertThat(scan(t, range)).isEqualTo(expected(model, range));
          } else if (dice < 96) {
            op = "maintenance";
            maintenance.accept(engine);
          } else if (persistent) {
            op = "reopen";
            for (OpenScan s : scans) {
              s.scan.close();
            }
            scans.clear();
            engine.close();
            engine = opener.apply(dir);
            assertThat(scan(engine.table(TABLE), KeyRange.all()))
                .isEqualTo(expected(model, KeyRange.all()));
          }
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "engine and model disagree at step " + step + " (" + op + "), seed " + seed, e);
        }
      }
      try {
        for (OpenScan s : scans) {
          assertThat(s.advance(Integer.MAX_VALUE)).isTrue();
        }
        scans.clear();
        assertThat(scan(engine.table(TABLE), KeyRange.all()))
            .isEqualTo(expected(model, KeyRange.all()));
      } catch (AssertionError e) {
        throw new AssertionError("engine and model disagree at the end, seed " + seed, e);
      }
    } finally {
      for (OpenScan s : scans) {
        s.scan.close();
      }
      engine.close();
    }
  }

  /** A scan left open across later operations, with the entries its snapshot must yield. */
  private record OpenScan(Scan scan, java.util.Iterator<KeyValue> expected) {
    /** Compares up to {@code n} entries; returns whether both ended (the scan is then closed). */
    boolean advance(int n) {
      for (int i = 0; i < n; i++) {
        if (!expected.hasNext()) {
          assertThat(scan.hasNext()).as("scan yields more than its snapshot held").isFalse();
          scan.close();
          return true;
        }
        assertThat(scan.hasNext()).as("scan ended before its snapshot did").isTrue();
        assertThat(scan.next()).isEqualTo(expected.next());
      }
      return false;
    }
  }

  private static KeyRange randomRange(Random rnd) {
    if (rnd.nextInt(4) == 0) {
      return KeyRange.all();
    }
    byte[] a = key(rnd);
    byte[] b = key(rnd);
    return Arrays.compareUnsigned(a, b) <= 0 ? KeyRange.of(a, b) : KeyRange.of(b, a);
  }

  private static Durability durability(Random rnd) {
    return rnd.nextBoolean() ? Durability.SYNC : Durability.BUFFERED;
  }

  /** Few distinct keys, so overwrites, deletes and scans collide often. */
  private static byte[] key(Random rnd) {
    int len = 1 + rnd.nextInt(3);
    byte[] k = new byte[len];
    for (int i = 0; i < len; i++) {
      k[i] = (byte) (rnd.nextBoolean() ? 'a' + rnd.nextInt(4) : 0xF0 + rnd.nextInt(16));
    }
    return k;
  }

  private static byte[] value(Random rnd) {
    byte[] v = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(2_000) : rnd.nextInt(16)];
    rnd.nextBytes(v);
    return v;
  }

  private static List<KeyValue> scan(Table t, KeyRange range) {
    List<KeyValue> out = new ArrayList<>();
    try (Scan s = t.scan(range)) {
      s.forEachRemaining(out::add);
    }
    return out;
  }

  private static List<KeyValue> expected(TreeMap<byte[], byte[]> model, KeyRange range) {
    SortedMap<byte[], byte[]> view = model;
    if (range.start() != null) {
      view = view.tailMap(range.start());
    }
    if (range.end() != null) {
      view = view.headMap(range.end());
    }
    List<KeyValue> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
      out.add(new KeyValue(e.getKey(), e.getValue()));
    }
    return out;
  }
}
