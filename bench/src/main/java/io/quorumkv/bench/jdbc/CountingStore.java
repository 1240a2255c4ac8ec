package io.quorumkv.bench.jdbc;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A {@link KeyValueStore} that counts the store operations SQL statements make (to see how many
 * store round trips one statement costs, e.g. the catalog re-read). Thread-safe if the delegate is.
 */
final class CountingStore implements KeyValueStore {

  private final KeyValueStore delegate;
  final LongAdder gets = new LongAdder();
  final LongAdder updates = new LongAdder();
  final LongAdder scans = new LongAdder();

  CountingStore(KeyValueStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<VersionedValue> get(byte[] key) {
    gets.increment();
    return delegate.get(key);
  }

  @Override
  public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
    scans.increment();
    return delegate.scan(start, end, limit);
  }

  @Override
  public CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
    updates.increment();
    return delegate.update(key, decide, requestId);
  }

  void reset() {
    gets.reset();
    updates.reset();
    scans.reset();
  }
}
