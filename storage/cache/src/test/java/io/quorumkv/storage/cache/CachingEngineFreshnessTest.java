package io.quorumkv.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import io.quorumkv.storage.memory.MemoryEngine;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Writers and readers hammer a few hot keys through the cache. Each key has one writer, which
 * writes increasing numbers; after each write completes it publishes the number as the key's
 * completed floor. A reader notes the floor before it reads and must never see a smaller number.
 * Engine reads are slowed down at random so stale loads race with invalidations often.
 */
class CachingEngineFreshnessTest {

  private static final int KEYS = 4;
  private static final int MIN_WRITES_PER_KEY = 3_000;
  private static final long MIN_READS = 200_000;
  private static final int READERS = 4;

  private static byte[] key(int k) {
    return new byte[] {'h', (byte) k};
  }

  private static byte[] value(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  @Test
  void aReadNeverReturnsAValueOlderThanTheLastCompletedWrite() throws Exception {
    long seed = Long.getLong("cache.seed", 20261126L);
    HookedEngine slow =
        new HookedEngine(
            new MemoryEngine(),
            key -> {
              // A pause after the engine read widens the window in which the loaded value is stale.
              if ((key.hashCode() & 3) == 0) {
                LockSupport.parkNanos(20_000);
              } else {
                Thread.yield();
              }
            },
            batch -> {});
    AtomicLongArray floor = new AtomicLongArray(KEYS);
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    AtomicBoolean writersDone = new AtomicBoolean();
    AtomicLong totalReads = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(KEYS / 2 + READERS);
    try (CachingEngine e = new CachingEngine(slow, 1 << 20)) {
      Table t = e.table("hot");
      List<Future<?>> writers = new ArrayList<>();
      // Two writer threads, each owning two keys; every other write is an atomic batch of both.
      for (int w = 0; w < KEYS / 2; w++) {
        int a = 2 * w;
        int b = 2 * w + 1;
        Random rnd = new Random(seed + w);
        writers.add(
            pool.submit(
                () -> {
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                  for (long n = 1;
                      n <= MIN_WRITES_PER_KEY
                          || (totalReads.get() < MIN_READS && System.nanoTime() < deadline);
                      n++) {
                    Durability d = rnd.nextBoolean() ? Durability.SYNC : Durability.BUFFERED;
                    if (rnd.nextBoolean()) {
                      t.write(
                          WriteBatch.builder().put(key(a), value(n)).put(key(b), value(n)).build(),
                          d);
                    } else {
                      t.put(key(a), value(n), d);
                      t.put(key(b), value(n), d);
                    }
                    floor.set(a, n);
                    floor.set(b, n);
                  }
                  return null;
                }));
      }
      List<Future<Long>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Random rnd = new Random(seed * 31 + r);
        readers.add(
            pool.submit(
                () -> {
                  long reads = 0;
                  while (!writersDone.get()) {
                    int k = rnd.nextInt(KEYS);
                    long before = floor.get(k);
                    byte[] v = t.get(key(k));
                    long seen = v == null ? 0 : ByteBuffer.wrap(v).getLong();
                    if (seen < before && violations.size() < 10) {
                      violations.add("key " + k + ": read " + seen + " after write " + before);
                    }
                    reads++;
                    totalReads.incrementAndGet();
                  }
                  return reads;
                }));
      }
      for (Future<?> w : writers) {
        w.get(120, TimeUnit.SECONDS);
      }
      writersDone.set(true);
      long reads = 0;
      for (Future<Long> r : readers) {
        reads += r.get(30, TimeUnit.SECONDS);
      }
      assertThat(violations).as("stale reads (seed %d)", seed).isEmpty();
      assertThat(reads).isGreaterThan(10_000);
      Long hits = e.metrics().get("cache.hits");
      assertThat(hits).as("the cache served some reads").isPositive();
      for (int k = 0; k < KEYS; k++) {
        assertThat(t.get(key(k))).isEqualTo(value(floor.get(k)));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
