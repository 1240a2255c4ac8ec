package io.quorumkv.executor.catalog;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How long a node may use a table definition it read from the catalog without reading it again, and
 * how long a schema change waits after its catalog write before it returns (see executor/CATALOG.md
 * for why the pair keeps every statement that starts after a DDL returned on the new schema).
 *
 * <p>A definition fetched by a linearizable read that <em>started</em> at local monotonic time
 * {@code t} may be used while {@code now - t < length}. A DDL statement, once its catalog write has
 * committed, waits {@link #ddlWaitNanos()} = {@code length * (1 + drift)^2 + margin} before
 * returning: {@code drift} bounds how far any node's monotonic clock may run fast or slow against
 * real time (once for the reader's clock, once for the DDL node's), {@code margin} covers the rest.
 * Only elapsed times on each node's own monotonic clock are compared; clocks are never compared
 * across nodes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param length how long a fetched definition stays usable; zero disables caching (every lookup
 *     reads the catalog, DDL does not wait)
 * @param drift the bound on clock-rate error, e.g. 0.01 for 1%
 * @param margin added to the DDL wait
 * @param clock monotonic nanoseconds ({@link System#nanoTime} outside tests)
 * @param sleeper how a DDL waits, in nanoseconds (a real sleep outside tests)
 */
public record SchemaLease(
    Duration length, double drift, Duration margin, LongSupplier clock, Sleeper sleeper) {

  /** The lease length of a node when nothing else is configured. */
  public static final Duration DEFAULT_LENGTH = Duration.ofSeconds(1);

  /** The system property that overrides {@link #DEFAULT_LENGTH}, in milliseconds. */
  public static final String LENGTH_PROPERTY = "quorumkv.sql.schemaLeaseMillis";

  /** Waits out a duration; {@link #REAL} sleeps. */
  @FunctionalInterface
  public interface Sleeper {
    /** A sleeper that really sleeps (and keeps sleeping through interrupts, then re-asserts). */
    Sleeper REAL = SchemaLease::sleepUninterruptibly;

    /** Returns after at least {@code nanos} have elapsed. */
    void sleep(long nanos);
  }

  /** Validates the fields. */
  public SchemaLease {
    Objects.requireNonNull(length, "length");
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    if (length.isNegative() || margin.isNegative() || !(drift >= 0 && drift < 1)) {
      throw new IllegalArgumentException(
          "bad schema lease: length " + length + ", drift " + drift + ", margin " + margin);
    }
  }

  /** A lease of {@code length} with 1% drift, a 50 ms margin, the real clock and real sleeps. */
  public static SchemaLease of(Duration length) {
    return new SchemaLease(length, 0.01, Duration.ofMillis(50), System::nanoTime, Sleeper.REAL);
  }

  /**
   * The production lease: {@link #DEFAULT_LENGTH}, or the milliseconds in the system property
   * {@value #LENGTH_PROPERTY}.
   */
  public static SchemaLease configured() {
    String ms = System.getProperty(LENGTH_PROPERTY);
    return of(ms == null ? DEFAULT_LENGTH : Duration.ofMillis(Long.parseLong(ms.strip())));
  }

  /** No caching: every lookup reads the catalog, and DDL returns as soon as it committed. */
  public static SchemaLease none() {
    return new SchemaLease(Duration.ZERO, 0, Duration.ZERO, System::nanoTime, Sleeper.REAL);
  }

  /** Whether definitions are cached at all. */
  public boolean enabled() {
    return !length.isZero();
  }

  /** Now, on this node's monotonic clock. */
  public long now() {
    return clock.getAsLong();
  }

  /**
   * Whether a definition whose read started at {@code fetchStartNanos} may still be used now. Never
   * true when caching is disabled.
   */
  public boolean usable(long fetchStartNanos) {
    return now() - fetchStartNanos < length.toNanos();
  }

  /** How long a DDL waits after its catalog write committed; zero when caching is disabled. */
  public long ddlWaitNanos() {
    if (!enabled()) {
      return 0;
    }
    double factor = (1 + drift) * (1 + drift);
    return (long) Math.ceil(length.toNanos() * factor) + margin.toNanos();
  }

  /** Waits {@link #ddlWaitNanos()}, counted from {@code committedNanos} on this node's clock. */
  public void awaitDdlVisible(long committedNanos) {
    long left = committedNanos + ddlWaitNanos() - now();
    if (left > 0) {
      sleeper.sleep(left);
    }
  }

  private static void sleepUninterruptibly(long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
        try {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          // Returning early would let the DDL return before every lease on the old schema ran out.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
