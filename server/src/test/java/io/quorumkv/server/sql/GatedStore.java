package io.quorumkv.server.sql;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A store that, once {@link #hold()} is called, never answers: requests stay in flight (as on a
 * node that is about to die) and never reach the real store. Tests use it to cut a connection while
 * a statement is executing.
 */
final class GatedStore implements KeyValueStore {

  private final KeyValueStore delegate;
  private volatile boolean holding;
  private volatile boolean holdingUpdates;
  final CountDownLatch entered = new CountDownLatch(1);
  private final AtomicInteger updatesLeft = new AtomicInteger(Integer.MAX_VALUE);

  GatedStore(KeyValueStore delegate) {
    this.delegate = delegate;
  }

  void hold() {
    holding = true;
  }

  /** Holds every update from now on; reads and scans still pass. */
  void holdUpdates() {
    holdingUpdates = true;
  }

  /** Lets {@code n} more updates through, then holds. */
  void holdAfterUpdates(int n) {
    updatesLeft.set(n);
  }

  private <T> CompletableFuture<T> held() {
    entered.countDown();
    return new CompletableFuture<>();
  }

  @Override
  public CompletableFuture<VersionedValue> get(byte[] key) {
    return holding ? held() : delegate.get(key);
  }

  @Override
  public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
    if (holding) {
      held().join();
    }
    return delegate.scan(start, end, limit);
  }

  @Override
  public CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
    if (!holding && updatesLeft.getAndDecrement() <= 0) {
      holding = true;
    }
    return holding || holdingUpdates ? held() : delegate.update(key, decide, requestId);
  }
}
