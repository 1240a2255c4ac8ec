package io.quorumkv.bench.peers.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Target} over a {@link ConcurrentHashMap}, with hooks to make its clients fail or lose
 * races on purpose, and counters of what they were asked to do.
 */
final class MemoryTarget implements Target {

  /** Which calls of a client misbehave. */
  record Faults(int failEveryNthGet, int conflictEveryNthCas, long sleepMicros) {
    static final Faults NONE = new Faults(0, 0, 0);
  }

  final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
  final LongAdder gets = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder casApplied = new LongAdder();
  final LongAdder casConflicts = new LongAdder();
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  private final AtomicLong intruders = new AtomicLong();
  final List<Thread> callers = new CopyOnWriteArrayList<>();
  private final Faults faults;

  MemoryTarget(Faults faults) {
    this.faults = faults;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void load(long keys, int valueBytes, int clients) {
    map.clear();
    for (long i = 0; i < keys; i++) {
      map.put(Keys.key(i), new byte[valueBytes]);
    }
  }

  @Override
  public Client newClient() {
    opened.incrementAndGet();
    return new Client() {
      private long getCalls;
      private long casCalls;
      private Thread caller;

      private void enter() throws InterruptedException {
        if (caller == null) {
          caller = Thread.currentThread();
          callers.add(caller);
        } else if (caller != Thread.currentThread()) {
          throw new IllegalStateException("a client called from two threads");
        }
        if (faults.sleepMicros() > 0) {
          Thread.sleep(faults.sleepMicros() / 1000, (int) (faults.sleepMicros() % 1000) * 1000);
        }
      }

      @Override
      public byte[] get(String key) throws Exception {
        enter();
        gets.increment();
        if (faults.failEveryNthGet() > 0 && ++getCalls % faults.failEveryNthGet() == 0) {
          throw new java.io.IOException("injected failure");
        }
        return map.get(key);
      }

      @Override
      public void put(String key, byte[] value) throws Exception {
        enter();
        puts.increment();
        if (map.replace(key, value) == null) {
          throw new IllegalStateException("no key " + key);
        }
      }

      @Override
      public boolean compareAndSet(String key, byte[] expected, byte[] next) throws Exception {
        enter();
        if (faults.conflictEveryNthCas() > 0 && ++casCalls % faults.conflictEveryNthCas() == 0) {
          // another writer got there first, with a value nobody can have read
          map.put(key, Long.toString(intruders.incrementAndGet()).getBytes(UTF_8));
        }
        boolean[] applied = {false};
        map.computeIfPresent(
            key,
            (k, current) -> {
              applied[0] = Arrays.equals(current, expected);
              return applied[0] ? next : current;
            });
        (applied[0] ? casApplied : casConflicts).increment();
        return applied[0];
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
  }

  @Override
  public void close() {}
}
