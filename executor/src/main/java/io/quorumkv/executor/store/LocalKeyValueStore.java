package io.quorumkv.executor.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * An in-process, linearizable {@link KeyValueStore}: the SQL layer's tests and a single-process
 * mode run on it. Not durable.
 *
 * <p>Keys live in a {@link ConcurrentSkipListMap} ordered by unsigned bytes, so reads never block.
 * Every {@link #update} reads the current value, runs {@code decide} and writes under a lock stripe
 * chosen by the key's hash, so the three are one atomic step per key and {@code decide} runs once
 * per call (the contract allows more). Versions of a key grow by one with every applied write and
 * keep growing across a delete and re-insert (a tombstone-free per-key counter), so {@code
 * _version} never repeats for a key. The outcomes of each client's latest {@value #DEDUP_WINDOW}
 * requests are remembered, so a retried request returns its first outcome without applying twice.
 *
 * <p>Thread-safe. Futures are already complete when returned; {@code decide} runs on the calling
 * thread. A {@code decide} that throws completes the future exceptionally and writes nothing.
 */
public final class LocalKeyValueStore implements KeyValueStore {

  /** The live values; absent keys have no entry. */
  private final ConcurrentSkipListMap<byte[], VersionedValue> data =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

  /**
   * The last version each key ever had, so a re-inserted key continues its version sequence instead
   * of restarting at 1 (a client holding version 1 of the old row must not mistake the new row for
   * it).
   */
  private final ConcurrentHashMap<Key, Long> lastVersion = new ConcurrentHashMap<>();

  /** How many outcomes per client are remembered for deduplication. */
  static final int DEDUP_WINDOW = 4096;

  /** Per client: the outcomes of its most recent requests by sequence number. */
  private final ConcurrentHashMap<Long, ConcurrentSkipListMap<Long, WriteOutcome>> requests =
      new ConcurrentHashMap<>();

  private final Object[] stripes = new Object[256];

  /** A byte array with value equality, for the version map. */
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** An empty store. */
  public LocalKeyValueStore() {
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  @Override
  public CompletableFuture<VersionedValue> get(byte[] key) {
    Objects.requireNonNull(key, "key");
    VersionedValue v = data.get(key);
    return CompletableFuture.completedFuture(v == null ? null : copy(v));
  }

  @Override
  public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
    NavigableMap<byte[], VersionedValue> range;
    if (start == null && end == null) {
      range = data;
    } else if (start == null) {
      range = data.headMap(end, false);
    } else if (end == null) {
      range = data.tailMap(start, true);
    } else if (Arrays.compareUnsigned(start, end) >= 0) {
      return List.<Entry>of().iterator();
    } else {
      range = data.subMap(start, true, end, false);
    }
    // A lazy view: each entry is read when the iterator reaches it, so each row is as fresh as a
    // point read at that moment (the contract promises per-row linearizability, not a snapshot).
    Iterator<Map.Entry<byte[], VersionedValue>> it = range.entrySet().iterator();
    return new Iterator<>() {
      int returned;

      @Override
      public boolean hasNext() {
        return returned < limit && it.hasNext();
      }

      @Override
      public Entry next() {
        Map.Entry<byte[], VersionedValue> e = it.next();
        returned++;
        return new Entry(e.getKey().clone(), copy(e.getValue()));
      }
    };
  }

  @Override
  public CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(decide, "decide");
    Objects.requireNonNull(requestId, "requestId");
    byte[] k = key.clone();
    WriteOutcome outcome;
    // The stripe lock makes read, decide and write one step for this key; a retried request
    // targets the same key, so its duplicate check is atomic with the original's write too.
    synchronized (stripes[Math.floorMod(Arrays.hashCode(k), stripes.length)]) {
      ConcurrentSkipListMap<Long, WriteOutcome> seen =
          requests.computeIfAbsent(requestId.clientId(), c -> new ConcurrentSkipListMap<>());
      WriteOutcome first = seen.get(requestId.sequence());
      if (first != null) {
        return CompletableFuture.completedFuture(copy(first));
      }
      try {
        outcome = apply(k, decide);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      seen.put(requestId.sequence(), outcome);
      while (seen.size() > DEDUP_WINDOW) {
        seen.pollFirstEntry();
      }
    }
    return CompletableFuture.completedFuture(copy(outcome));
  }

  /** Runs under the key's stripe lock. */
  private WriteOutcome apply(byte[] key, Function<VersionedValue, Mutation> decide) {
    VersionedValue current = data.get(key);
    Mutation m = decide.apply(copy(current));
    if (m instanceof Mutation.Skip) {
      return new WriteOutcome(false, current);
    }
    Key versionKey = new Key(key);
    long version = lastVersion.getOrDefault(versionKey, 0L) + 1;
    lastVersion.put(versionKey, version);
    if (m instanceof Mutation.Put put) {
      VersionedValue next = new VersionedValue(put.value().clone(), version);
      data.put(key, next);
      return new WriteOutcome(true, next);
    }
    data.remove(key);
    return new WriteOutcome(true, null);
  }

  /** Number of live keys; for tests. */
  public int size() {
    return data.size();
  }

  /** Every live key and value in key order; for tests. */
  public List<Entry> dump() {
    List<Entry> out = new ArrayList<>();
    scan(null, null, Integer.MAX_VALUE).forEachRemaining(out::add);
    return out;
  }

  private static VersionedValue copy(VersionedValue v) {
    return v == null ? null : new VersionedValue(v.value().clone(), v.version());
  }

  private static WriteOutcome copy(WriteOutcome o) {
    return new WriteOutcome(o.applied(), copy(o.current()));
  }
}
