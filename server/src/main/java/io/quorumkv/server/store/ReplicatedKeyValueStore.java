package io.quorumkv.server.store;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.replication.node.KeyPage;
import io.quorumkv.replication.node.ReplicaNode;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The executor's {@link KeyValueStore} over a local {@link ReplicaNode}: the SQL node is the
 * coordinator of every request it makes.
 *
 * <ul>
 *   <li>{@link #get}: a linearizable read (a quorum read that completes any in-flight value).
 *   <li>{@link #update}: one {@link Operation.Update} whose function is {@code decide}, evaluated
 *       by the coordinator against the latest chosen value inside the round (so it may run more
 *       than once, on the replica thread: it must be pure and fast). {@code decide} throwing
 *       completes the future with that exception (or with {@link OutcomeUnknownException} caused by
 *       it, if an earlier attempt had already proposed).
 *   <li>{@link #scan}: pages of the union of the keys a quorum of replicas hold in the range (an
 *       acknowledged key is on a quorum, so the union cannot miss it), each key then read
 *       linearizably and skipped if absent. Rows are linearizable one by one, not a snapshot.
 * </ul>
 *
 * <p>Failures: a read or write that certainly did not apply fails with {@link
 * QuorumUnavailableException}; a write that may have applied fails with {@link
 * OutcomeUnknownException} (retry it with the same request id). A retried request id is sent with
 * the retry flag (the store remembers the ids it saw recently), so a retried conditional write
 * whose condition is now false is reported unknown rather than wrongly "not applied".
 *
 * <p>Thread-safe. Futures complete on the node's callback thread, except for requests made on the
 * node's event loop (an endpoint whose connections live there, e.g. the SQL port's point reads),
 * which complete on that loop ({@link ReplicaNode#submitFromLoop}): their continuations must not
 * block. {@link #scan}'s iterator blocks: do not use it on a Netty or replica thread.
 */
public final class ReplicatedKeyValueStore implements KeyValueStore {
  private static final int PAGE = 256;
  private static final int REMEMBERED_REQUESTS = 16_384;

  private final ReplicaNode node;
  private final long timeoutMillis;
  private final OperationObserver observer;
  private final Map<RequestId, Boolean> seen =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<RequestId, Boolean> eldest) {
              return size() > REMEMBERED_REQUESTS;
            }
          });

  /** A store coordinated by {@code node}, with {@code timeout} per request. */
  public ReplicatedKeyValueStore(ReplicaNode node, Duration timeout) {
    this(node, timeout, OperationObserver.NONE);
  }

  /** A store coordinated by {@code node} that tells {@code observer} of every operation. */
  public ReplicatedKeyValueStore(ReplicaNode node, Duration timeout, OperationObserver observer) {
    this.node = Objects.requireNonNull(node);
    this.timeoutMillis = timeout.toMillis();
    this.observer = Objects.requireNonNull(observer);
  }

  @Override
  public CompletableFuture<VersionedValue> get(byte[] key) {
    return read(Bytes.copyOf(key), System.nanoTime());
  }

  /**
   * Reads {@code key}; {@code start} (a {@link System#nanoTime} value) is when the operation began,
   * or {@link Long#MIN_VALUE} for a read that is part of an update (observed as that update).
   */
  private CompletableFuture<VersionedValue> read(Bytes key, long start) {
    return node.submitFromLoop(key, new Operation.Read(), null, false, timeoutMillis)
        .thenApply(
            o -> {
              if (start != Long.MIN_VALUE) {
                observer.completed(
                    OperationObserver.Type.GET,
                    o instanceof Outcome.ReadOk
                        ? OperationObserver.Outcome.APPLIED
                        : OperationObserver.Outcome.ERROR,
                    System.nanoTime() - start);
              }
              if (o instanceof Outcome.ReadOk r) {
                return r.value() == null
                    ? null
                    : new VersionedValue(r.value().toByteArray(), r.version());
              }
              throw new QuorumUnavailableException("read of " + key + " failed: " + o);
            });
  }

  @Override
  public CompletableFuture<WriteOutcome> update(
      byte[] key, Function<VersionedValue, Mutation> decide, RequestId requestId) {
    Objects.requireNonNull(decide, "decide");
    Bytes k = Bytes.copyOf(key);
    AtomicReference<RuntimeException> thrown = new AtomicReference<>();
    Operation.UpdateFunction fn =
        (current, version) -> {
          Mutation m;
          try {
            m =
                decide.apply(
                    current == null ? null : new VersionedValue(current.toByteArray(), version));
          } catch (RuntimeException e) {
            thrown.set(e); // reported to the caller as is, not as a replication failure
            throw e;
          }
          if (m instanceof Mutation.Put p) {
            return new Operation.Decision.Write(Bytes.copyOf(p.value()));
          }
          if (m instanceof Mutation.Delete) {
            return Operation.Decision.DELETE;
          }
          return Operation.Decision.SKIP;
        };
    boolean retry = seen.put(requestId, Boolean.TRUE) != null;
    io.quorumkv.replication.paxos.RequestId rid =
        new io.quorumkv.replication.paxos.RequestId(requestId.clientId(), requestId.sequence());
    long start = System.nanoTime();
    return node.submitFromLoop(k, new Operation.Update(fn), rid, retry, timeoutMillis)
        .thenCompose(
            o -> {
              observer.completed(
                  OperationObserver.Type.UPDATE, outcomeOf(o), System.nanoTime() - start);
              if (o instanceof CasResult.Applied a) {
                if (!a.valueKnown()) {
                  // A retry answered from the exactly-once window after later writes: the value
                  // this write produced is gone; report the current one (at least as new).
                  return read(k, Long.MIN_VALUE).thenApply(v -> new WriteOutcome(true, v));
                }
                return CompletableFuture.completedFuture(
                    new WriteOutcome(
                        true,
                        a.value() == null
                            ? null
                            : new VersionedValue(a.value().toByteArray(), a.version())));
              }
              if (o instanceof CasResult.NotApplied n) {
                return CompletableFuture.completedFuture(
                    new WriteOutcome(
                        false,
                        n.current() == null
                            ? null
                            : new VersionedValue(n.current().toByteArray(), n.version())));
              }
              RuntimeException fnError = thrown.get();
              if (o instanceof CasResult.Unknown u) {
                return CompletableFuture.failedFuture(
                    new OutcomeUnknownException("update of " + k + ": " + u.reason(), fnError));
              }
              if (fnError != null) {
                return CompletableFuture.failedFuture(fnError);
              }
              return CompletableFuture.failedFuture(
                  new QuorumUnavailableException("update of " + k + " not applied: " + o));
            });
  }

  private static OperationObserver.Outcome outcomeOf(Outcome o) {
    if (o instanceof CasResult.Applied) {
      return OperationObserver.Outcome.APPLIED;
    }
    if (o instanceof CasResult.NotApplied) {
      return OperationObserver.Outcome.NOT_APPLIED;
    }
    if (o instanceof CasResult.Unknown) {
      return OperationObserver.Outcome.UNKNOWN;
    }
    return OperationObserver.Outcome.ERROR;
  }

  @Override
  public Iterator<Entry> scan(byte[] start, byte[] end, int limit) {
    return new ScanIterator(
        start == null ? null : Bytes.copyOf(start), end == null ? null : Bytes.copyOf(end), limit);
  }

  /**
   * Lists a page of keys (at most {@link #PAGE}), reads them all concurrently and yields the
   * present ones in order as soon as each is read; while a page is being read, the next page's
   * listing is already under way if the scan will need it.
   */
  private final class ScanIterator implements Iterator<Entry> {
    private final Bytes end;
    private final int limit;
    private Bytes from;
    private boolean fromInclusive = true;
    private boolean exhausted;
    private int returned;
    private CompletableFuture<KeyPage> nextListing;
    private final ArrayDeque<PendingRead> buffer = new ArrayDeque<>();
    private Entry ready;

    ScanIterator(Bytes start, Bytes end, int limit) {
      this.from = start;
      this.end = end;
      this.limit = limit;
      this.exhausted = limit <= 0 || (start != null && end != null && start.compareTo(end) >= 0);
    }

    @Override
    public boolean hasNext() {
      if (returned >= limit) {
        return false;
      }
      while (ready == null) {
        PendingRead p = buffer.poll();
        if (p == null) {
          if (exhausted) {
            return false;
          }
          fetch();
          continue;
        }
        VersionedValue v;
        try {
          v = p.value().join();
        } catch (CompletionException e) {
          throw new QuorumUnavailableException("scan: read failed: " + e.getCause(), e.getCause());
        }
        if (v != null) {
          ready = new Entry(p.key().toByteArray(), v);
        }
      }
      return true;
    }

    @Override
    public Entry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      returned++;
      Entry e = ready;
      ready = null;
      return e;
    }

    /**
     * Keys wanted from the next listing: the rows still to return, plus a margin for absent keys.
     */
    private int pageSize(long pending) {
      // long arithmetic: limit is often Integer.MAX_VALUE ("all rows")
      long wanted = (long) limit - returned - pending + 16;
      return (int) Math.max(1, Math.min(PAGE, wanted));
    }

    private CompletableFuture<KeyPage> listing(long pending) {
      Bytes lower = from == null || fromInclusive ? from : successor(from);
      return node.listKeys(lower, end, pageSize(pending), timeoutMillis);
    }

    private void fetch() {
      CompletableFuture<KeyPage> listing = nextListing != null ? nextListing : listing(0);
      nextListing = null;
      KeyPage page;
      try {
        page = listing.join();
      } catch (CompletionException e) {
        throw new QuorumUnavailableException(
            "scan: key listing failed: " + e.getCause(), e.getCause());
      }
      for (Bytes k : page.keys()) {
        buffer.add(new PendingRead(k, read(k, System.nanoTime())));
      }
      if (page.resumeAfter() == null) {
        exhausted = true;
      } else {
        from = page.resumeAfter();
        fromInclusive = false;
        if ((long) limit - returned > page.keys().size()) {
          // Even if every key of this page is present the scan needs more: list the next page
          // while this one is read.
          nextListing = listing(page.keys().size());
        }
      }
    }
  }

  private record PendingRead(Bytes key, CompletableFuture<VersionedValue> value) {}

  /** The smallest key greater than {@code k}: {@code k} followed by a zero byte. */
  private static Bytes successor(Bytes k) {
    byte[] a = new byte[k.length() + 1];
    System.arraycopy(k.toByteArray(), 0, a, 0, k.length());
    return Bytes.wrap(a);
  }
}
