package io.quorumkv.storage.bitcask;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import io.quorumkv.storage.bitcask.merge.MergeStats;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merge: what it drops and keeps, and that it loses nothing while reads and writes go on. */
class BitcaskMergeTest {

  private static final Map<String, String> SMALL_FILES =
      Map.of(BitcaskOptions.MAX_FILE_BYTES, "4096", BitcaskOptions.MERGE_AUTO, "false");

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void mergeDropsDeadRecordsAndTombstonesAndKeepsLiveOnes() throws Exception {
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      Table t = e.table("t");
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 50; i++) {
          t.put(b("k" + i), b("v" + round + "-" + i + "-".repeat(40)), Durability.BUFFERED);
        }
      }
      for (int i = 0; i < 50; i += 2) {
        t.delete(b("k" + i), Durability.BUFFERED);
      }
      // Roll the deletes into an immutable file so the merge sees them.
      for (int i = 0; i < 60; i++) {
        t.put(b("z" + i), b("-".repeat(60)), Durability.BUFFERED);
      }
      long before = dirBytes();
      MergeStats s = e.merge();
      assertThat(s.filesIn()).isGreaterThan(1);
      assertThat(s.recordsDropped()).isGreaterThanOrEqualTo(4 * 50 + 25);
      assertThat(s.bytesOut()).isLessThan(s.bytesIn() / 2);
      assertThat(dirBytes()).isLessThan(before);
      check(t);
      assertThat(e.merge().recordsDropped()).as("nothing left to drop").isZero();
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      check(e.table("t"));
    }
  }

  private static void check(Table t) {
    for (int i = 0; i < 50; i++) {
      byte[] v = t.get(b("k" + i));
      if (i % 2 == 0) {
        assertThat(v).as("k%d was deleted", i).isNull();
      } else {
        assertThat(v).isEqualTo(b("v4-" + i + "-".repeat(40)));
      }
    }
  }

  private long dirBytes() throws Exception {
    long n = 0;
    for (Path p : TestFiles.dataFiles(dir.resolve("t"))) {
      n += Files.size(p);
    }
    return n;
  }

  @Test
  void backgroundMergeRunsOnceEnoughBytesAreDead() {
    Map<String, String> options =
        Map.of(
            BitcaskOptions.MAX_FILE_BYTES, "4096",
            BitcaskOptions.MERGE_DEAD_RATIO, "0.5",
            BitcaskOptions.MERGE_MIN_DEAD_BYTES, "8192");
    try (BitcaskEngine e = BitcaskEngine.open(dir, options)) {
      Table t = e.table("t");
      for (int round = 0; round < 40; round++) {
        for (int i = 0; i < 10; i++) {
          t.put(b("k" + i), b(round + "-" + "x".repeat(60)), Durability.BUFFERED);
        }
      }
      e.awaitMaintenance();
      assertThat(e.metrics().get("merges")).isPositive();
      for (int i = 0; i < 10; i++) {
        assertThat(t.get(b("k" + i))).isEqualTo(b("39-" + "x".repeat(60)));
      }
    }
  }

  @Test
  void backgroundMergeOnAnInlineExecutorRunsOnTheCommitThreadWithoutDeadlock() {
    Map<String, String> options =
        Map.of(
            BitcaskOptions.MAX_FILE_BYTES, "4096",
            BitcaskOptions.MERGE_MIN_DEAD_BYTES, "8192");
    try (BitcaskEngine e =
        BitcaskEngine.open(
            dir, options, io.quorumkv.storage.bitcask.io.ChannelFileIo.INSTANCE, Runnable::run)) {
      Table t = e.table("t");
      for (int round = 0; round < 40; round++) {
        for (int i = 0; i < 10; i++) {
          t.put(b("k" + i), b(round + "-" + "x".repeat(60)), Durability.BUFFERED);
        }
      }
      assertThat(e.metrics().get("merges")).isPositive();
      assertThat(t.get(b("k3"))).isEqualTo(b("39-" + "x".repeat(60)));
    }
  }

  @Test
  void anOpenScanKeepsRetiredFilesUntilItCloses() throws Exception {
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      Table t = e.table("t");
      for (int i = 0; i < 100; i++) {
        t.put(b(String.format("k%03d", i)), b("old-" + "x".repeat(50)), Durability.BUFFERED);
      }
      Scan scan = t.scan(KeyRange.all());
      List<Path> oldFiles = TestFiles.dataFiles(dir.resolve("t"));
      for (int i = 0; i < 100; i++) {
        t.put(b(String.format("k%03d", i)), b("new"), Durability.BUFFERED);
      }
      for (int i = 0; i < 100; i++) {
        t.put(b(String.format("pad%03d", i)), b("y".repeat(50)), Durability.BUFFERED);
      }
      MergeStats s = e.merge();
      assertThat(s.filesIn()).isGreaterThan(1);
      Path firstOld = oldFiles.get(0);
      assertThat(firstOld).as("pinned by the open scan").exists();
      int n = 0;
      try (scan) {
        while (scan.hasNext()) {
          KeyValue kv = scan.next();
          assertThat(kv.value()).isEqualTo(b("old-" + "x".repeat(50)));
          n++;
        }
      }
      assertThat(n).isEqualTo(100);
      assertThat(firstOld).as("deleted once the scan closed").doesNotExist();
      assertThat(t.get(b("k050"))).isEqualTo(b("new"));
    }
  }

  /**
   * Two writers, two readers (gets and scans) and a merge loop at once. Each writer owns its keys
   * and records the version it last saw acknowledged; a reader must never see an older version than
   * was acknowledged before its read started, nor a damaged value. Afterwards, and after a reopen,
   * every key holds its last acknowledged value.
   */
  @Test
  void mergeUnderConcurrentReadsAndWritesLosesNothing() throws Exception {
    int writers = 2;
    int keysPerWriter = 150;
    int writesPerWriter = 4000;
    AtomicLongArray acked = new AtomicLongArray(writers * keysPerWriter);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger merges = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      Table t = e.table("t");
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  Random rnd = new Random(id);
                  for (int n = 1; n <= writesPerWriter; n++) {
                    int k = id * keysPerWriter + rnd.nextInt(keysPerWriter);
                    if (rnd.nextInt(8) == 0) {
                      // A batch of two keys, to mix batches with merges too.
                      int k2 = id * keysPerWriter + rnd.nextInt(keysPerWriter);
                      long v2 = Math.max(acked.get(k2), 0) + 1;
                      long v1 = Math.max(acked.get(k), 0) + 1;
                      WriteBatch.Builder b = WriteBatch.builder().put(key(k), value(k, v1));
                      if (k2 != k) {
                        b.put(key(k2), value(k2, v2));
                      }
                      t.write(b.build(), Durability.BUFFERED);
                      acked.set(k, v1);
                      if (k2 != k) {
                        acked.set(k2, v2);
                      }
                    } else {
                      long v = Math.max(acked.get(k), 0) + 1;
                      t.put(
                          key(k),
                          value(k, v),
                          rnd.nextInt(20) == 0 ? Durability.SYNC : Durability.BUFFERED);
                      acked.set(k, v);
                    }
                  }
                  return null;
                }));
      }
      for (int r = 0; r < 2; r++) {
        int id = r;
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  Random rnd = new Random(100 + id);
                  while (!done.get()) {
                    if (rnd.nextInt(10) == 0) {
                      long[] floor = new long[acked.length()];
                      for (int k = 0; k < floor.length; k++) {
                        floor[k] = acked.get(k);
                      }
                      try (Scan s = t.scan(KeyRange.all())) {
                        while (s.hasNext()) {
                          KeyValue kv = s.next();
                          int k = Integer.parseInt(new String(kv.key(), UTF_8).substring(4));
                          assertThat(version(k, kv.value())).isGreaterThanOrEqualTo(floor[k]);
                        }
                      }
                    } else {
                      int k = rnd.nextInt(acked.length());
                      long floor = acked.get(k);
                      byte[] v = t.get(key(k));
                      if (floor > 0) {
                        assertThat(v).isNotNull();
                        assertThat(version(k, v)).isGreaterThanOrEqualTo(floor);
                      }
                    }
                  }
                  return null;
                }));
      }
      fs.add(
          pool.submit(
              () -> {
                start.await();
                while (!done.get() || merges.get() < 3) {
                  e.merge();
                  merges.incrementAndGet();
                }
                return null;
              }));
      start.countDown();
      for (int w = 0; w < writers; w++) {
        fs.get(w).get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertThat(merges.get()).isGreaterThanOrEqualTo(3);
      assertThat(e.metrics().get("merges")).isGreaterThan(0);
      checkAll(t, acked);
    } finally {
      pool.shutdownNow();
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      checkAll(e.table("t"), acked);
      e.merge();
      checkAll(e.table("t"), acked);
    }
  }

  private static void checkAll(Table t, AtomicLongArray acked) {
    for (int k = 0; k < acked.length(); k++) {
      byte[] v = t.get(key(k));
      if (acked.get(k) == 0) {
        assertThat(v).isNull();
      } else {
        assertThat(v).as("key %d", k).isEqualTo(value(k, acked.get(k)));
      }
    }
  }

  private static byte[] key(int k) {
    return String.format("key-%05d", k).getBytes(UTF_8);
  }

  /** The version, the key and padding, so a value read under the wrong key is caught. */
  private static byte[] value(int k, long version) {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + 40);
    b.putLong(version).putInt(k);
    return b.array();
  }

  private static long version(int k, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    long version = b.getLong();
    assertThat(b.getInt()).as("value belongs to its key").isEqualTo(k);
    return version;
  }
}
