package io.quorumkv.replication.node;

/**
 * The rate at which one node settles keys of moving segments ({@code rebalance.max-bytes-per-sec}),
 * shared by every segment it settles at once: a settle may start once the bytes of those completed
 * before it have been paid for at the rate. Thread-safe.
 */
final class SettleThrottle {
  /** Settles in flight per segment without a rate: enough to hide a round trip. */
  static final int MAX_IN_FLIGHT = 32;

  /** One more settle in flight per this many bytes per second of rate (at least one). */
  private static final long BYTES_PER_SECOND_PER_SETTLE = 64 * 1024;

  private volatile long bytesPerSecond;

  /** When (clock millis) the next settle may start; guarded by this. */
  private double allowedAt;

  SettleThrottle(long bytesPerSecond) {
    setRate(bytesPerSecond);
  }

  void setRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("negative rate " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * Settles a segment may have in flight: charges are made as settles complete, so what runs at
   * once can exceed the rate by one batch; the batch grows with the rate so that a high rate is not
   * capped by round trips instead.
   */
  int inFlight() {
    long rate = bytesPerSecond;
    if (rate == 0) {
      return MAX_IN_FLIGHT;
    }
    return (int) Math.max(1, Math.min(MAX_IN_FLIGHT, rate / BYTES_PER_SECOND_PER_SETTLE));
  }

  /** How long (millis) a settle starting at {@code now} must wait. */
  synchronized long delayMillis(long now) {
    return bytesPerSecond == 0 ? 0 : Math.max(0, (long) Math.ceil(allowedAt - now));
  }

  /** Charges a settled key's {@code bytes}. */
  synchronized void charge(long bytes, long now) {
    long rate = bytesPerSecond;
    if (rate > 0) {
      allowedAt = Math.max(allowedAt, now) + bytes * 1000.0 / rate;
    }
  }
}
