package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.GroupConfig;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The settle driver alone, over a scripted submitter: throttle, retries, deadline, supersession.
 */
class SegmentSettlerTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final LongSupplier clock = () -> System.nanoTime() / 1_000_000;
  private static final GroupConfig MOVING = new GroupConfig(5, List.of(1, 2, 3), List.of(1, 2, 4));
  private final AtomicReference<NodeTopology> topology = new AtomicReference<>(topology(MOVING));

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private static NodeTopology topology(GroupConfig segment0) {
    return new NodeTopology(
        3, k -> 0, List.of(segment0), NodeTopology.metaGroup(List.of(1, 2, 3, 4)));
  }

  private static List<Bytes> keys(int n) {
    List<Bytes> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(Bytes.utf8("k" + i));
    }
    return keys;
  }

  private SegmentSettler settler(
      List<Bytes> keys, long timeoutMillis, SegmentSettler.Submitter s, long rate) {
    return settler(keys, timeoutMillis, s, new SettleThrottle(rate));
  }

  private SegmentSettler settler(
      List<Bytes> keys, long timeoutMillis, SegmentSettler.Submitter s, SettleThrottle throttle) {
    return new SegmentSettler(
        1, 0, 5, keys, clock.getAsLong() + timeoutMillis, clock, topology::get, s, timer, throttle);
  }

  @Test
  void settlesEveryKeyOnceWithSettleOfTheMoveEpoch() throws Exception {
    Map<Bytes, Integer> settled = new ConcurrentHashMap<>();
    List<Operation> ops = Collections.synchronizedList(new ArrayList<>());
    long n =
        settler(
                keys(100),
                10_000,
                (key, op, id, retry, timeout) -> {
                  ops.add(op);
                  settled.merge(key, 1, Integer::sum);
                  return CompletableFuture.completedFuture(new Outcome.ReadOk(null, 0));
                },
                0)
            .run()
            .get(10, TimeUnit.SECONDS);
    assertThat(n).isEqualTo(100);
    assertThat(settled).hasSize(100).allSatisfy((k, times) -> assertThat(times).isEqualTo(1));
    assertThat(ops).containsOnly(new Operation.Settle(5));
  }

  @Test
  void aFailedSettleIsRetriedUntilItSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    long n =
        settler(
                keys(1),
                10_000,
                (key, op, id, retry, timeout) ->
                    CompletableFuture.completedFuture(
                        calls.incrementAndGet() < 4
                            ? new Outcome.Failed("no joint quorum yet")
                            : new Outcome.ReadOk(Bytes.utf8("v"), 3)),
                0)
            .run()
            .get(10, TimeUnit.SECONDS);
    assertThat(n).isEqualTo(1);
    assertThat(calls.get()).isEqualTo(4);
  }

  @Test
  void theDeadlineEndsSettlingWithATimeout() {
    Throwable t =
        catchThrowable(
            () ->
                settler(
                        keys(3),
                        200,
                        (key, op, id, retry, timeout) ->
                            CompletableFuture.completedFuture(new Outcome.Failed("never")),
                        0)
                    .run()
                    .get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(TimeoutException.class).hasMessageContaining("0 of 3");
  }

  @Test
  void aSupersededMoveStopsSettling() {
    topology.set(topology(GroupConfig.stable(6, List.of(1, 2, 4))));
    Throwable t =
        catchThrowable(
            () ->
                settler(
                        keys(3),
                        10_000,
                        (key, op, id, retry, timeout) ->
                            CompletableFuture.completedFuture(new Outcome.ReadOk(null, 0)),
                        0)
                    .run()
                    .get(10, TimeUnit.SECONDS));
    assertThat(t.getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer moving at epoch 5");
  }

  @Test
  void theThrottleSpacesSettlesByTheirBytes() throws Exception {
    // 10 keys of ~1,000 bytes at 20,000 bytes/s, one in flight (the rate is below 64 KiB/s): each
    // completion charges 50 ms, so the last starts no sooner than 450 ms in.
    Bytes value = Bytes.wrap(new byte[998]);
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    long begin = clock.getAsLong();
    settler(
            keys(10),
            20_000,
            (key, op, id, retry, timeout) -> {
              starts.add(clock.getAsLong() - begin);
              return CompletableFuture.completedFuture(new Outcome.ReadOk(value, 1));
            },
            20_000)
        .run()
        .get(20, TimeUnit.SECONDS);
    assertThat(starts).hasSize(10);
    assertThat(Collections.max(starts)).isGreaterThanOrEqualTo(400);
  }

  @Test
  void segmentsSettledAtOnceShareTheNodesRate() throws Exception {
    // Two segments of 5 keys each through one throttle of 20,000 bytes/s: 10 charges of 50 ms in
    // all, so the last settle starts no sooner than 450 ms in (each alone would be done by 200).
    Bytes value = Bytes.wrap(new byte[998]);
    SettleThrottle shared = new SettleThrottle(20_000);
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    long begin = clock.getAsLong();
    SegmentSettler.Submitter s =
        (key, op, id, retry, timeout) -> {
          starts.add(clock.getAsLong() - begin);
          return CompletableFuture.completedFuture(new Outcome.ReadOk(value, 1));
        };
    CompletableFuture<Long> a = settler(keys(5), 20_000, s, shared).run();
    CompletableFuture<Long> b = settler(keys(5), 20_000, s, shared).run();
    assertThat(a.get(20, TimeUnit.SECONDS) + b.get(20, TimeUnit.SECONDS)).isEqualTo(10);
    assertThat(Collections.max(starts)).isGreaterThanOrEqualTo(400);
  }

  @Test
  void aHigherRateAllowsMoreSettlesInFlight() {
    assertThat(new SettleThrottle(0).inFlight()).isEqualTo(SettleThrottle.MAX_IN_FLIGHT);
    assertThat(new SettleThrottle(20_000).inFlight()).isEqualTo(1);
    assertThat(new SettleThrottle(256 * 1024).inFlight()).isEqualTo(4);
    assertThat(new SettleThrottle(16L << 20).inFlight()).isEqualTo(SettleThrottle.MAX_IN_FLIGHT);
  }
}
