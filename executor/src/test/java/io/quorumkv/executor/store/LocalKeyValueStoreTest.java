package io.quorumkv.executor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.executor.store.KeyValueStore.Entry;
import io.quorumkv.executor.store.KeyValueStore.RequestId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalKeyValueStoreTest {

  private final LocalKeyValueStore store = new LocalKeyValueStore();
  private final AtomicLong seq = new AtomicLong();

  private RequestId next() {
    return new RequestId(1, seq.incrementAndGet());
  }

  private WriteOutcome put(byte[] key, byte[] value) {
    return store.update(key, current -> new Mutation.Put(value), next()).join();
  }

  private static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  @Test
  void putGetDeleteWithGrowingVersions() {
    assertThat(store.get(b(1)).join()).isNull();
    WriteOutcome first = put(b(1), b(10));
    assertThat(first.applied()).isTrue();
    assertThat(first.current().version()).isEqualTo(1);
    assertThat(put(b(1), b(11)).current().version()).isEqualTo(2);
    assertThat(store.get(b(1)).join()).isEqualTo(new VersionedValue(b(11), 2));

    WriteOutcome deleted = store.update(b(1), current -> Mutation.DELETE, next()).join();
    assertThat(deleted).isEqualTo(new WriteOutcome(true, null));
    assertThat(store.get(b(1)).join()).isNull();
    // A re-inserted key continues its version sequence, so a stale version never matches.
    assertThat(put(b(1), b(12)).current().version()).isEqualTo(4);
  }

  @Test
  void skipReportsTheValueItSaw() {
    put(b(1), b(10));
    WriteOutcome outcome = store.update(b(1), current -> Mutation.SKIP, next()).join();
    assertThat(outcome.applied()).isFalse();
    assertThat(outcome.current()).isEqualTo(new VersionedValue(b(10), 1));
    assertThat(store.update(b(2), current -> Mutation.SKIP, next()).join())
        .isEqualTo(new WriteOutcome(false, null));
  }

  @Test
  void scanIsInUnsignedOrderWithinBoundsAndLimit() {
    for (int k : new int[] {0x80, 0x01, 0xff, 0x10, 0x7f}) {
      put(b(k), b(k));
    }
    assertThat(keys(store.scan(null, null, 100))).containsExactly(0x01, 0x10, 0x7f, 0x80, 0xff);
    assertThat(keys(store.scan(b(0x10), b(0x80), 100))).containsExactly(0x10, 0x7f);
    assertThat(keys(store.scan(b(0x7f), null, 2))).containsExactly(0x7f, 0x80);
    assertThat(keys(store.scan(null, b(0x10), 100))).containsExactly(0x01);
    assertThat(keys(store.scan(b(0x80), b(0x10), 100))).isEmpty();
  }

  private static List<Integer> keys(java.util.Iterator<Entry> it) {
    List<Integer> out = new ArrayList<>();
    it.forEachRemaining(e -> out.add(e.key()[0] & 0xff));
    return out;
  }

  @Test
  void retriedRequestReturnsItsFirstOutcomeWithoutApplyingTwice() {
    RequestId id = new RequestId(7, 1);
    byte[] key = b(5);
    WriteOutcome first = store.update(key, current -> increment(current), id).join();
    WriteOutcome retry = store.update(key, current -> increment(current), id).join();
    assertThat(retry).isEqualTo(first);
    assertThat(store.get(key).join().version()).isEqualTo(1);
    assertThat(store.update(key, current -> increment(current), new RequestId(7, 2)).join())
        .extracting(o -> o.current().version())
        .isEqualTo(2L);
  }

  @Test
  void decideThatThrowsWritesNothing() {
    put(b(1), b(1));
    assertThatThrownBy(
            () ->
                store
                    .update(
                        b(1),
                        current -> {
                          throw new IllegalStateException("boom");
                        },
                        next())
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(store.get(b(1)).join()).isEqualTo(new VersionedValue(b(1), 1));
  }

  @Test
  void concurrentReadModifyWritesLoseNothing() throws Exception {
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long client = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    store
                        .update(b(9), LocalKeyValueStoreTest::increment, new RequestId(client, i))
                        .join();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    VersionedValue v = store.get(b(9)).join();
    assertThat(ByteBuffer.wrap(v.value()).getLong()).isEqualTo((long) threads * perThread);
    assertThat(v.version()).isEqualTo((long) threads * perThread);
  }

  private static Mutation increment(VersionedValue current) {
    long n = current == null ? 0 : ByteBuffer.wrap(current.value()).getLong();
    return new Mutation.Put(ByteBuffer.allocate(8).putLong(n + 1).array());
  }

  @Test
  void returnedValuesAreCopies() {
    put(b(1), b(1));
    store.get(b(1)).join().value()[0] = 99;
    assertThat(store.get(b(1)).join().value()).containsExactly(1);
  }
}
