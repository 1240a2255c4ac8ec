package io.quorumkv.replication.node;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.GroupConfig;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Settles a list of keys of one moving segment with a bounded number of settles in flight, retrying
 * a key whose settle failed (no joint quorum yet, a conflict) until the deadline. Stops with an
 * error as soon as the node's configuration of the segment is no longer the move it was started
 * for: settles under another configuration prove nothing about this move.
 */
final class SegmentSettler {
  private static final long RETRY_DELAY_MILLIS = 20;
  private static final long PER_KEY_TIMEOUT_MILLIS = 2_000;

  /** What settles one key: a node's submit. */
  interface Submitter {
    CompletableFuture<Outcome> submit(
        Bytes key, Operation operation, RequestId requestId, boolean retry, long timeoutMillis);
  }

  private final int node;
  private final int segment;
  private final long epoch;
  private final List<Bytes> keys;
  private final long deadline;
  private final LongSupplier clock;
  private final Supplier<NodeTopology> topology;
  private final Submitter submitter;
  private final ScheduledExecutorService timer;
  private final SettleThrottle throttle;
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  private int next;
  private int settled;

  SegmentSettler(
      int node,
      int segment,
      long epoch,
      List<Bytes> keys,
      long deadline,
      LongSupplier clock,
      Supplier<NodeTopology> topology,
      Submitter submitter,
      ScheduledExecutorService timer,
      SettleThrottle throttle) {
    this.node = node;
    this.segment = segment;
    this.epoch = epoch;
    this.keys = List.copyOf(keys);
    this.deadline = deadline;
    this.clock = clock;
    this.topology = topology;
    this.submitter = submitter;
    this.timer = timer;
    this.throttle = throttle;
  }

  CompletableFuture<Long> run() {
    if (keys.isEmpty()) {
      done.complete(0L);
      return done;
    }
    int start = Math.min(throttle.inFlight(), keys.size());
    for (int i = 0; i < start; i++) {
      settleNext();
    }
    return done;
  }

  private synchronized void settleNext() {
    if (next >= keys.size() || done.isDone()) {
      return;
    }
    Bytes key = keys.get(next++);
    long wait = throttle.delayMillis(clock.getAsLong());
    if (wait > 0) {
      timer.schedule(() -> settle(key), wait, TimeUnit.MILLISECONDS);
    } else {
      settle(key);
    }
  }

  private void settle(Bytes key) {
    GroupConfig c = topology.get().configs().get(segment);
    if (c.epoch() != epoch || !c.moving()) {
      done.completeExceptionally(
          new IllegalStateException(
              "node "
                  + node
                  + ": segment "
                  + segment
                  + " is no longer moving at epoch "
                  + epoch
                  + " (now "
                  + c
                  + ")"));
      return;
    }
    long left = deadline - clock.getAsLong();
    if (left <= 0) {
      done.completeExceptionally(
          new TimeoutException(
              "node "
                  + node
                  + ": settled "
                  + settled
                  + " of "
                  + keys.size()
                  + " keys of segment "
                  + segment
                  + " before the deadline"));
      return;
    }
    submitter
        .submit(
            key, new Operation.Settle(epoch), null, false, Math.min(left, PER_KEY_TIMEOUT_MILLIS))
        .whenComplete(
            (o, t) -> {
              if (o instanceof Outcome.ReadOk r) {
                throttle.charge(
                    key.length() + (r.value() == null ? 0 : r.value().length()), clock.getAsLong());
                boolean last;
                synchronized (this) {
                  last = ++settled == keys.size();
                }
                if (last) {
                  done.complete((long) keys.size());
                } else {
                  settleNext();
                }
              } else {
                timer.schedule(() -> settle(key), RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
              }
            });
  }
}
