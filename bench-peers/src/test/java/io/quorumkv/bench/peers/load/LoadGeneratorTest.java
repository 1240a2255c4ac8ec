package io.quorumkv.bench.peers.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

  private static final long KEYS = 1_000;

  private static LoadOptions options(int clients) {
    return new LoadOptions(KEYS, 100, clients, Duration.ofMillis(100), Duration.ofMillis(400), 7);
  }

  private static RunResult run(MemoryTarget target, Workload w, int clients) throws Exception {
    target.load(KEYS, 100, clients);
    return LoadGenerator.run(target, w, options(clients), MeasureListener.NONE);
  }

  private static void assertSane(RunResult r) {
    assertThat(r.ops()).isPositive();
    assertThat(r.opsPerSecond()).isEqualTo(r.ops() / r.seconds());
    assertThat(r.seconds()).isGreaterThanOrEqualTo(0.4);
    assertThat(r.p50Micros()).isPositive();
    assertThat(r.p50Micros()).isLessThanOrEqualTo(r.p99Micros());
    assertThat(r.p99Micros()).isLessThanOrEqualTo(r.p999Micros());
  }

  @Test
  void casHotCountsEveryMeasuredCasAsAppliedOrConflict() throws Exception {
    MemoryTarget target = new MemoryTarget(new MemoryTarget.Faults(0, 2, 0));
    RunResult r = run(target, Workload.CAS_HOT, 8);

    assertSane(r);
    assertThat(r.errors()).isZero();
    assertThat(r.applied()).isPositive();
    assertThat(r.conflicts()).isPositive();
    assertThat(r.applied() + r.conflicts()).isEqualTo(r.ops());
    // the measured window is part of the run: never more than the target saw
    assertThat(r.applied()).isLessThanOrEqualTo(target.casApplied.sum());
    assertThat(r.conflicts()).isLessThanOrEqualTo(target.casConflicts.sum());
    // every second CAS of each client loses on purpose, so conflicts are at least about half
    assertThat(r.conflicts()).isGreaterThanOrEqualTo(r.ops() / 2 - 8);
    // only the 10 hot keys were written
    for (long i = LoadGenerator.HOT_KEYS; i < KEYS; i++) {
      assertThat(target.map.get(Keys.key(i))).hasSize(100).containsOnly(0);
    }
  }

  @Test
  void casOnAllKeysWithoutContentionMostlyApplies() throws Exception {
    MemoryTarget target = new MemoryTarget(MemoryTarget.Faults.NONE);
    RunResult r = run(target, Workload.CAS, 1);

    assertSane(r);
    assertThat(r.conflicts()).isZero(); // one client alone never loses a race
    assertThat(r.applied()).isEqualTo(r.ops());
  }

  @Test
  void getAndPutCountOperationsOnly() throws Exception {
    MemoryTarget target = new MemoryTarget(MemoryTarget.Faults.NONE);
    RunResult get = run(target, Workload.GET, 4);
    assertSane(get);
    assertThat(get.ops()).isLessThanOrEqualTo(target.gets.sum());
    assertThat(target.puts.sum()).isZero();
    assertThat(get.applied() + get.conflicts() + get.errors()).isZero();

    RunResult put = run(target, Workload.PUT, 4);
    assertSane(put);
    assertThat(put.ops()).isLessThanOrEqualTo(target.puts.sum());
    assertThat(put.applied() + put.conflicts() + put.errors()).isZero();
    assertThat(put.target()).isEqualTo("memory");
    assertThat(put.workload()).isEqualTo(Workload.PUT);
    assertThat(put.clients()).isEqualTo(4);
  }

  @Test
  void latencyPercentilesReflectTheOperationTime() throws Exception {
    MemoryTarget target = new MemoryTarget(new MemoryTarget.Faults(0, 0, 2_000));
    RunResult r = run(target, Workload.GET, 2);

    assertSane(r);
    assertThat(r.p50Micros()).isGreaterThanOrEqualTo(2_000); // every get sleeps 2 ms at least
  }

  @Test
  void failingOperationsAreCountedAndTheRunGoesOn() throws Exception {
    MemoryTarget target = new MemoryTarget(new MemoryTarget.Faults(4, 0, 0));
    RunResult r = run(target, Workload.GET, 4);

    assertSane(r);
    assertThat(r.errors()).isPositive();
    // every 4th get fails: 1 error per 3 successes, give or take the window's edges
    assertThat(r.errors()).isBetween(r.ops() / 3 - 8, r.ops() / 3 + 8);
  }

  @Test
  void listenerIsCalledOnceEachInOrderAndClientsAreClosed() throws Exception {
    MemoryTarget target = new MemoryTarget(MemoryTarget.Faults.NONE);
    target.load(KEYS, 100, 1);
    List<String> events = new CopyOnWriteArrayList<>();
    RunResult r =
        LoadGenerator.run(
            target,
            Workload.GET,
            options(3),
            new MeasureListener() {
              @Override
              public void started() {
                events.add("started " + target.opened.get() + " " + target.closed.get());
              }

              @Override
              public void ended() {
                events.add("ended " + target.closed.get());
              }
            });

    assertThat(events).containsExactly("started 3 0", "ended 0");
    assertThat(r.ops()).isPositive();
    assertThat(target.opened.get()).isEqualTo(3);
    assertThat(target.closed.get()).isEqualTo(3);
    assertThat(target.callers).hasSize(3).doesNotHaveDuplicates(); // one thread per client
    for (Thread t : target.callers) {
      t.join();
    }
  }

  @Test
  void ycsbWorkloadsUseTheLoadedKeys() throws Exception {
    MemoryTarget target = new MemoryTarget(MemoryTarget.Faults.NONE);
    for (Workload w : List.of(Workload.YCSB_A, Workload.YCSB_B, Workload.YCSB_C, Workload.YCSB_F)) {
      long gets = target.gets.sum();
      long puts = target.puts.sum();
      RunResult r = run(target, w, 4);

      assertSane(r);
      assertThat(r.errors()).as(w + ": a key YCSB chose was not loaded").isZero();
      assertThat(target.gets.sum()).isGreaterThan(gets);
      if (w == Workload.YCSB_C) {
        assertThat(target.puts.sum()).isEqualTo(puts);
      } else {
        assertThat(target.puts.sum()).isGreaterThan(puts);
      }
    }
  }

  @Test
  void ycsbKeyNamesAreTheSharedKeyNames() throws Exception {
    var p = YcsbOperations.properties(Workload.YCSB_A, 100_000, 100);
    site.ycsb.measurements.Measurements.setProperties(p); // CoreWorkload's constructor needs them
    var workload =
        new site.ycsb.workloads.CoreWorkload() {
          String name(long n) {
            return buildKeyName(n);
          }
        };
    workload.init(p);
    for (long n : new long[] {0, 7, 99_999, 123_456_789_012L}) {
      assertThat(workload.name(n)).isEqualTo(Keys.key(n));
    }
  }

  @Test
  void invalidOptionsAreRejected() {
    assertThatThrownBy(() -> new LoadOptions(0, 100, 1, Duration.ZERO, Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoadOptions(10, 100, 0, Duration.ZERO, Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoadOptions(10, 100, 1, Duration.ZERO, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
