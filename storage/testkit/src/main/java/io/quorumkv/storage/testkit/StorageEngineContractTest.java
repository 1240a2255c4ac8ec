package io.quorumkv.storage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link StorageEngine} promises. Subclass it once per engine and implement
 * {@link #open}; a persistent engine also gets the reopen tests.
 */
public abstract class StorageEngineContractTest {

  /** A directory the engine may use; fresh for every test. */
  @TempDir protected Path dir;

  /** The engine under test, opened before each test. */
  protected StorageEngine engine;

  /** Opens (or reopens, running recovery) the engine kept in {@code directory}. */
  protected abstract StorageEngine open(Path directory);

  /** Whether data survives {@link StorageEngine#close()} and {@link #open} again. */
  protected abstract boolean persistent();

  @BeforeEach
  void openEngine() {
    engine = open(dir);
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  /** Closes and reopens the engine, as a restart would. */
  protected void reopen() {
    engine.close();
    engine = open(dir);
  }

  protected static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<String> keys(Scan scan) {
    List<String> out = new ArrayList<>();
    try (scan) {
      while (scan.hasNext()) {
        out.add(new String(scan.next().key(), UTF_8));
      }
    }
    return out;
  }

  @Test
  void getOfAbsentKeyIsNull() {
    assertThat(engine.table("t").get(b("missing"))).isNull();
  }

  @Test
  void putThenGet() {
    Table t = engine.table("t");
    t.put(b("k"), b("v"), Durability.SYNC);
    assertThat(t.get(b("k"))).isEqualTo(b("v"));
  }

  @Test
  void overwriteReturnsLatest() {
    Table t = engine.table("t");
    t.put(b("k"), b("v1"), Durability.BUFFERED);
    t.put(b("k"), b("v2"), Durability.SYNC);
    assertThat(t.get(b("k"))).isEqualTo(b("v2"));
  }

  @Test
  void emptyValueIsNotAbsence() {
    Table t = engine.table("t");
    t.put(b("k"), new byte[0], Durability.SYNC);
    assertThat(t.get(b("k"))).isEmpty();
  }

  @Test
  void emptyKeyIsAKey() {
    Table t = engine.table("t");
    t.put(new byte[0], b("v"), Durability.SYNC);
    assertThat(t.get(new byte[0])).isEqualTo(b("v"));
    assertThat(keys(t.scan(KeyRange.all()))).containsExactly("");
  }

  @Test
  void deleteRemovesAndDeletingAbsentIsFine() {
    Table t = engine.table("t");
    t.put(b("k"), b("v"), Durability.SYNC);
    t.delete(b("k"), Durability.SYNC);
    t.delete(b("never"), Durability.SYNC);
    assertThat(t.get(b("k"))).isNull();
    assertThat(keys(t.scan(KeyRange.all()))).isEmpty();
  }

  @Test
  void largeValueRoundTrips() {
    Table t = engine.table("t");
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    t.put(b("big"), big, Durability.SYNC);
    assertThat(t.get(b("big"))).isEqualTo(big);
  }

  @Test
  void returnedArraysBelongToTheCaller() {
    Table t = engine.table("t");
    t.put(b("k"), b("value"), Durability.SYNC);
    byte[] got = t.get(b("k"));
    got[0] = 'X';
    assertThat(t.get(b("k"))).isEqualTo(b("value"));
  }

  @Test
  void batchAppliesInOrderAndLaterMutationWins() {
    Table t = engine.table("t");
    t.put(b("gone"), b("x"), Durability.SYNC);
    t.write(
        WriteBatch.builder()
            .put(b("a"), b("1"))
            .put(b("b"), b("2"))
            .put(b("a"), b("3"))
            .delete(b("gone"))
            .delete(b("b"))
            .put(b("b"), b("4"))
            .build(),
        Durability.SYNC);
    assertThat(t.get(b("a"))).isEqualTo(b("3"));
    assertThat(t.get(b("b"))).isEqualTo(b("4"));
    assertThat(t.get(b("gone"))).isNull();
  }

  @Test
  void scanIsOrderedByUnsignedBytes() {
    Table t = engine.table("t");
    byte[][] keys = {{(byte) 0x80}, {0x01}, {0x7f}, {(byte) 0xff, 0x00}, {0x01, 0x00}, {}};
    for (byte[] k : keys) {
      t.put(k, b("v"), Durability.BUFFERED);
    }
    List<byte[]> seen = new ArrayList<>();
    try (Scan s = t.scan(KeyRange.all())) {
      s.forEachRemaining(kv -> seen.add(kv.key()));
    }
    assertThat(seen)
        .containsExactly(
            new byte[] {},
            new byte[] {0x01},
            new byte[] {0x01, 0x00},
            new byte[] {0x7f},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xff, 0x00});
  }

  @Test
  void rangeAndPrefixScans() {
    Table t = engine.table("t");
    for (String k : List.of("a", "ab", "abc", "abd", "ac", "b", "ba")) {
      t.put(b(k), b("v-" + k), Durability.BUFFERED);
    }
    assertThat(keys(t.scan(KeyRange.prefix(b("ab"))))).containsExactly("ab", "abc", "abd");
    assertThat(keys(t.scan(KeyRange.of(b("ab"), b("b")))))
        .containsExactly("ab", "abc", "abd", "ac");
    assertThat(keys(t.scan(KeyRange.of(b("abc"), null))))
        .containsExactly("abc", "abd", "ac", "b", "ba");
    assertThat(keys(t.scan(KeyRange.of(null, b("ab"))))).containsExactly("a");
    assertThat(keys(t.scan(KeyRange.of(b("zz"), null)))).isEmpty();
    try (Scan s = t.scan(KeyRange.prefix(b("ba")))) {
      assertThat(s.next()).isEqualTo(new KeyValue(b("ba"), b("v-ba")));
      assertThat(s.hasNext()).isFalse();
    }
  }

  @Test
  void prefixOfAllOnesScansToTheEnd() {
    Table t = engine.table("t");
    byte[] k = {(byte) 0xff, (byte) 0xff, 0x01};
    t.put(k, b("v"), Durability.SYNC);
    t.put(new byte[] {(byte) 0xfe}, b("v"), Durability.SYNC);
    try (Scan s = t.scan(KeyRange.prefix(new byte[] {(byte) 0xff, (byte) 0xff}))) {
      assertThat(s.next().key()).isEqualTo(k);
      assertThat(s.hasNext()).isFalse();
    }
  }

  @Test
  void scanSeesAConsistentView() {
    Table t = engine.table("t");
    for (int i = 0; i < 100; i++) {
      t.put(b(String.format("k%03d", i)), b("old"), Durability.BUFFERED);
    }
    try (Scan s = t.scan(KeyRange.all())) {
      assertThat(s.next().value()).isEqualTo(b("old"));
      WriteBatch.Builder wb = WriteBatch.builder();
      for (int i = 0; i < 100; i++) {
        wb.put(b(String.format("k%03d", i)), b("new"));
      }
      wb.put(b("k999"), b("new"));
      t.write(wb.build(), Durability.SYNC);
      int n = 1;
      while (s.hasNext()) {
        assertThat(s.next().value()).isEqualTo(b("old"));
        n++;
      }
      assertThat(n).isEqualTo(100);
    }
    assertThat(t.get(b("k050"))).isEqualTo(b("new"));
  }

  @Test
  void batchesAreAtomicToConcurrentScans() throws Exception {
    Table t = engine.table("t");
    int keys = 20;
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                for (int round = 0; !stop.get() && round < 2_000; round++) {
                  WriteBatch.Builder wb = WriteBatch.builder();
                  for (int i = 0; i < keys; i++) {
                    wb.put(b("key" + i), b(Integer.toString(round)));
                  }
                  t.write(wb.build(), Durability.BUFFERED);
                }
              });
      for (int i = 0; i < 200 && !writer.isDone(); i++) {
        List<String> values = new ArrayList<>();
        try (Scan s = t.scan(KeyRange.all())) {
          s.forEachRemaining(kv -> values.add(new String(kv.value(), UTF_8)));
        }
        assertThat(values).allMatch(v -> v.equals(values.get(0)));
      }
      stop.set(true);
      writer.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tablesAreIndependentNamespaces() {
    Table a = engine.table("a");
    Table b2 = engine.table("b");
    a.put(b("k"), b("in-a"), Durability.SYNC);
    assertThat(b2.get(b("k"))).isNull();
    assertThat(engine.table("a")).isSameAs(a);
    assertThat(engine.tableNames()).containsExactly("a", "b");
  }

  @Test
  void dropTableRemovesItsData() {
    Table t = engine.table("t");
    t.put(b("k"), b("v"), Durability.SYNC);
    assertThat(engine.dropTable("t")).isTrue();
    assertThat(engine.dropTable("t")).isFalse();
    assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(StorageClosedException.class);
    assertThat(engine.tableNames()).doesNotContain("t");
    assertThat(engine.table("t").get(b("k"))).isNull();
  }

  @Test
  void invalidTableNamesAreRejected() {
    for (String bad : List.of("", "..", "a/b", "x".repeat(129), "sp ace")) {
      assertThatThrownBy(() -> engine.table(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void operationsAfterCloseFailClearly() {
    Table t = engine.table("t");
    engine.close();
    assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(() -> t.put(b("k"), b("v"), Durability.SYNC))
        .isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(() -> engine.table("t")).isInstanceOf(StorageClosedException.class);
    engine.close();
    engine = null;
  }

  @Test
  void concurrentSyncWritersAllSucceedAndAreGrouped() throws Exception {
    Table t = engine.table("t");
    int threads = 16;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int th = 0; th < threads; th++) {
      int id = th;
      fs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  t.put(b(id + "-" + i), b("v" + i), Durability.SYNC);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : fs) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    for (int th = 0; th < threads; th++) {
      for (int i = 0; i < perThread; i += 37) {
        assertThat(t.get(b(th + "-" + i))).isEqualTo(b("v" + i));
      }
    }
  }

  @Test
  void asyncWritesCompleteInSubmissionOrder() {
    Table t = engine.table("t");
    List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      fs.add(
          t.writeAsync(WriteBatch.builder().put(b("k"), b("v" + n)).build(), Durability.BUFFERED)
              .thenRun(() -> order.add(n)));
    }
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
    assertThat(order).isSorted().hasSize(100);
    assertThat(t.get(b("k"))).isEqualTo(b("v99"));
  }

  @Test
  void dataSurvivesReopen() {
    if (!persistent()) {
      return;
    }
    Table t = engine.table("t");
    t.put(b("k1"), b("v1"), Durability.SYNC);
    t.put(b("k2"), b("v2"), Durability.BUFFERED);
    t.put(b("k3"), b("v3"), Durability.SYNC);
    t.delete(b("k3"), Durability.SYNC);
    engine.table("other").put(b("k1"), b("o"), Durability.SYNC);
    reopen();
    Table r = engine.table("t");
    assertThat(r.get(b("k1"))).isEqualTo(b("v1"));
    assertThat(r.get(b("k2"))).isEqualTo(b("v2"));
    assertThat(r.get(b("k3"))).isNull();
    assertThat(engine.tableNames()).containsExactly("other", "t");
    assertThat(engine.table("other").get(b("k1"))).isEqualTo(b("o"));
    r.put(b("k4"), b("v4"), Durability.SYNC);
    reopen();
    assertThat(keys(engine.table("t").scan(KeyRange.all()))).containsExactly("k1", "k2", "k4");
  }

  @Test
  void droppedTableStaysDroppedAfterReopen() {
    if (!persistent()) {
      return;
    }
    engine.table("t").put(b("k"), b("v"), Durability.SYNC);
    engine.dropTable("t");
    reopen();
    assertThat(engine.tableNames()).doesNotContain("t");
    assertThat(engine.table("t").get(b("k"))).isNull();
  }

  @Test
  void groupCommitMetricsAreReported() {
    engine.table("t").put(b("k"), b("v"), Durability.SYNC);
    assertThat(engine.metrics()).isNotEmpty();
  }
}
