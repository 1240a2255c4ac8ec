package io.quorumkv.tests.crash;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.WriteBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The deterministic operations of one writer thread in one crash round. The child JVM executes them
 * and the test regenerates them from the same seed to know exactly what each acknowledged operation
 * wrote. Every key lives under {@link #prefix(int, int)}, so threads and rounds never touch each
 * other's keys, and every written value is unique (it names its key and the operation).
 *
 * <p>Operations: a put of a new key; an atomic batch of 2 to 6 new keys that may also overwrite or
 * delete an earlier key; an overwrite of the thread's counter key; a delete or overwrite of an
 * earlier key. A quarter of them are {@link Durability#BUFFERED}, which also promises to survive
 * {@code kill -9}.
 */
final class CrashWorkload {

  /** The table every crash round writes to. */
  static final String TABLE = "crash";

  /**
   * One operation: the batch to write and its effects in order (a {@code null} value deletes).
   *
   * @param batch what the writer submits
   * @param durability how durable it must be when acknowledged
   * @param effects key to new value, or to {@code null} for a delete, in mutation order
   */
  record Op(WriteBatch batch, Durability durability, Map<String, String> effects) {}

  private final String prefix;
  private final Random rnd;
  private final List<String> live = new ArrayList<>();
  private int next;

  /** The operations of writer {@code thread} in crash round {@code round}. */
  CrashWorkload(long seed, int round, int thread) {
    this.prefix = prefix(round, thread);
    this.rnd = new Random(seed * 1_000_003L + round * 1_009L + thread);
  }

  /** The key prefix of one thread in one round. */
  static String prefix(int round, int thread) {
    return "r" + round + "/t" + thread + "/";
  }

  /** The next operation; call in order, as the writer does. */
  Op next() {
    int i = next++;
    Map<String, String> effects = new LinkedHashMap<>();
    int dice = rnd.nextInt(100);
    if (dice < 40 || live.isEmpty()) {
      put(effects, prefix + "k" + i, i);
    } else if (dice < 65) {
      int n = 2 + rnd.nextInt(5);
      for (int j = 0; j < n; j++) {
        put(effects, prefix + "k" + i + "." + j, i);
      }
      if (rnd.nextBoolean()) {
        String old = live.get(rnd.nextInt(live.size()));
        if (rnd.nextBoolean()) {
          delete(effects, old);
        } else {
          put(effects, old, i);
        }
      }
    } else if (dice < 80) {
      put(effects, prefix + "counter", i);
    } else if (dice < 90) {
      delete(effects, live.get(rnd.nextInt(live.size())));
    } else {
      put(effects, live.get(rnd.nextInt(live.size())), i);
    }
    WriteBatch.Builder b = WriteBatch.builder();
    effects.forEach(
        (k, v) -> {
          if (v == null) {
            b.delete(k.getBytes(UTF_8));
          } else {
            b.put(k.getBytes(UTF_8), v.getBytes(UTF_8));
          }
        });
    Durability d = rnd.nextInt(4) == 0 ? Durability.BUFFERED : Durability.SYNC;
    return new Op(b.build(), d, effects);
  }

  private void put(Map<String, String> effects, String key, int op) {
    // Unique per key and operation; a varying length so records differ in size.
    String value = key + "@" + op + "#" + "x".repeat(rnd.nextInt(300));
    effects.put(key, value);
    if (!key.endsWith("counter") && !live.contains(key)) {
      live.add(key);
    }
  }

  private void delete(Map<String, String> effects, String key) {
    effects.put(key, null);
    live.remove(key);
  }
}
