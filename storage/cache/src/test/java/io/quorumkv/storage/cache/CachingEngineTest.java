package io.quorumkv.storage.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.memory.MemoryEngine;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Caching behaviour: hits, negative entries, the byte bound, metrics and invalidation. */
class CachingEngineTest {

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void repeatedReadsHitAndAbsentKeysAreCachedToo() {
    try (CachingEngine e = new CachingEngine(new MemoryEngine(), 1 << 20)) {
      Table t = e.table("t");
      t.put(b("k"), b("v"), Durability.SYNC);
      assertThat(t.get(b("k"))).isEqualTo(b("v"));
      assertThat(t.get(b("k"))).isEqualTo(b("v"));
      assertThat(t.get(b("nope"))).isNull();
      assertThat(t.get(b("nope"))).isNull();
      Map<String, Long> m = e.metrics();
      assertThat(m.get("cache.misses")).isEqualTo(2);
      assertThat(m.get("cache.hits")).isEqualTo(2);
      assertThat(m.get("cache.entries")).isEqualTo(2);
      assertThat(m).containsKey("writes"); // the memory engine's own metric is merged in
    }
  }

  @Test
  void aWriteReplacesANegativeEntry() {
    try (CachingEngine e = new CachingEngine(new MemoryEngine(), 1 << 20)) {
      Table t = e.table("t");
      assertThat(t.get(b("k"))).isNull();
      t.put(b("k"), b("v"), Durability.BUFFERED);
      assertThat(t.get(b("k"))).isEqualTo(b("v"));
      t.delete(b("k"), Durability.BUFFERED);
      assertThat(t.get(b("k"))).isNull();
    }
  }

  @Test
  void droppedAndRecreatedTableDoesNotSeeOldEntries() {
    try (CachingEngine e = new CachingEngine(new MemoryEngine(), 1 << 20)) {
      e.table("t").put(b("k"), b("old"), Durability.SYNC);
      assertThat(e.table("t").get(b("k"))).isEqualTo(b("old"));
      e.dropTable("t");
      assertThat(e.table("t").get(b("k"))).isNull();
      assertThat(e.metrics().get("cache.entries")).isEqualTo(1);
    }
  }

  @Test
  void heldBytesStayWithinTheBound() {
    long max = 64 << 10;
    try (CachingEngine e = new CachingEngine(new MemoryEngine(), max)) {
      Table t = e.table("t");
      byte[] value = new byte[100];
      for (int i = 0; i < 5_000; i++) {
        Arrays.fill(value, (byte) i);
        t.put(b("key" + i), value.clone(), Durability.BUFFERED);
      }
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 5_000; i++) {
          byte[] got = t.get(b("key" + i));
          assertThat(got).hasSize(100).containsOnly((byte) i);
        }
        e.cleanUp();
        assertThat(e.metrics().get("cache.bytes")).isLessThanOrEqualTo(max);
      }
      Map<String, Long> m = e.metrics();
      long perEntry = "key0000".length() + 100 + CachingEngine.ENTRY_OVERHEAD;
      assertThat(m.get("cache.entries")).isLessThanOrEqualTo(max / (perEntry - 3));
      assertThat(m.get("cache.evictions")).isGreaterThan(5_000);
      assertThat(m.get("cache.evicted.bytes")).isPositive();
    }
  }

  @Test
  void valueLargerThanTheWholeCacheIsServedButNotKept() {
    try (CachingEngine e = new CachingEngine(new MemoryEngine(), 1 << 10)) {
      Table t = e.table("t");
      byte[] big = new byte[4 << 10];
      t.put(b("big"), big, Durability.SYNC);
      assertThat(t.get(b("big"))).isEqualTo(big);
      e.cleanUp();
      assertThat(e.metrics().get("cache.bytes")).isLessThanOrEqualTo(1 << 10);
    }
  }

  /**
   * Pins the Caffeine behaviour the freshness argument rests on (see {@link CachingEngine}): the
   * after-invalidation of a key whose load is in progress waits for that load and then removes its
   * result. A load reads "old" and is paused inside the cache's compute; meanwhile the write of
   * "new" reaches the engine and completes there. The write's future must not complete before the
   * paused load is done, and afterwards "new" must be read, not the "old" the load inserted.
   */
  @Test
  void afterInvalidationWaitsForAnInProgressStaleLoad() throws Exception {
    CountDownLatch writeSubmitted = new CountDownLatch(1);
    CountDownLatch applyWrite = new CountDownLatch(1);
    CountDownLatch loadHasRead = new CountDownLatch(1);
    CountDownLatch releaseLoad = new CountDownLatch(1);
    byte[] hot = b("hot");
    AtomicBoolean armed = new AtomicBoolean();
    HookedEngine hooked =
        new HookedEngine(
            new MemoryEngine(),
            key -> {
              if (armed.get() && Arrays.equals(key, hot)) {
                loadHasRead.countDown();
                await(releaseLoad);
              }
            },
            batch -> {
              if (armed.get()) {
                writeSubmitted.countDown();
                await(applyWrite);
              }
            });
    try (CachingEngine e = new CachingEngine(hooked, 1 << 20)) {
      Table t = e.table("t");
      t.put(hot, b("old"), Durability.SYNC);
      armed.set(true);
      // The write invalidates "hot", then pauses before reaching the engine.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(() -> t.put(hot, b("new"), Durability.SYNC));
      assertThat(writeSubmitted.await(10, TimeUnit.SECONDS)).isTrue();
      // A load now misses, reads "old" from the engine and pauses inside the cache's compute.
      CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> t.get(hot));
      assertThat(loadHasRead.await(10, TimeUnit.SECONDS)).isTrue();
      // The write reaches the engine; its after-invalidation must wait for the paused load.
      applyWrite.countDown();
      Thread.sleep(200);
      assertThat(writer).as("the after-invalidation waits for the in-progress load").isNotDone();
      releaseLoad.countDown();
      armed.set(false);
      assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(b("old"));
      writer.get(10, TimeUnit.SECONDS);
      assertThat(t.get(hot)).isEqualTo(b("new"));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
