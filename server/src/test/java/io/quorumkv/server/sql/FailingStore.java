package io.quorumkv.server.sql;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A store that, once {@link #fail} is called, fails every read with the given throwable: a scan
 * throws it, a point read completes with it (on the caller's thread, as a local store would). Tests
 * use it for failures the SQL layer does not expect, such as an {@link Error}, which must still be
 * answered. Writes pass.
 */
final class FailingStore implements KeyValueStore {

  private final KeyValueStore delegate;
  private volatile Throwable failure;

  FailingStore(KeyValueStore delegate) {
    this.delegate = delegate;
  }

  /** Fails every read from now on with {@code t}; null to stop. */
  void fail(Throwable t) {
    failure = t;
  }

  @Override
  public CompletableFuture<VersionedValue> get(byte[] key) {
    Throwable t = failure;
    return t == null ? delegate.get(key) : CompletableFuture.failedFuture(t);
  }

  @Override
  public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
    Throwable t = failure;
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return delegate.scan(start, end, limit);
  }

  @Override
  public CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
    return delegate.update(key, decide, requestId);
  }
}
