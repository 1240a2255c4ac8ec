package io.quorumkv.executor.store;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What SQL execution needs of the replicated store. Every operation on one key is linearizable.
 * Implementations: an adapter over the replication core's client, and an in-process store for tests
 * of the SQL layer.
 */
public interface KeyValueStore {

  /** A key with its current value, as a scan returns it. */
  record Entry(byte[] key, VersionedValue value) {}

  /**
   * Reads a key's latest value, or {@code null} if it is absent. Linearizable: reflects every write
   * acknowledged before the call.
   */
  CompletableFuture<VersionedValue> get(byte[] key);

  /**
   * Reads keys in {@code [start, end)} in ascending unsigned order ({@code null} bounds are open),
   * at most {@code limit} of them. Each row is linearizable on its own; the scan as a whole is not
   * a snapshot across keys.
   */
  Iterator<Entry> scan(byte[] start, byte[] end, int limit);

  /**
   * Atomically applies {@code decide} to the key's current value (null when absent) and writes what
   * it returns, inside one consensus round on that key: no other write to the key can come between
   * the read and the write. {@code decide} may run more than once (on contention) and must be a
   * pure function of its argument.
   *
   * @param requestId identifies the request for exactly-once retries; a retry with the same id
   *     returns the first outcome
   * @return the outcome; completes exceptionally with {@link OutcomeUnknownException} when the
   *     outcome cannot be known
   */
  CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId);

  /**
   * A client's request identity: the client's id and a sequence number growing per request.
   *
   * @param clientId unique per client session
   * @param sequence grows with every request of that client
   */
  record RequestId(long clientId, long sequence) {}
}
