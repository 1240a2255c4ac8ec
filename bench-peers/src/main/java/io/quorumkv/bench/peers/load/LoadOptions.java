package io.quorumkv.bench.peers.load;

import java.time.Duration;
import java.util.Objects;

/**
 * The parameters of one load-generator run.
 *
 * @param keys how many keys the workloads choose from ({@link Keys#key(long)} for 0 &le; i &lt;
 *     keys); also YCSB's {@code recordcount}
 * @param valueBytes the size of every value written (and of YCSB's single field)
 * @param clients concurrent clients, each with one operation in flight (closed loop)
 * @param warmup how long the clients run before measurement starts
 * @param measure the measured window
 * @param seed seeds the key and value choices of the built-in workloads ({@code cas}, {@code
 *     cas-hot}, {@code put}, {@code get}); YCSB's generators draw from their own unseeded sources
 */
public record LoadOptions(
    long keys, int valueBytes, int clients, Duration warmup, Duration measure, long seed) {

  /** The defaults: 100,000 keys, 100-byte values. */
  public static final long DEFAULT_KEYS = 100_000;

  /** The value size. */
  public static final int DEFAULT_VALUE_BYTES = 100;

  /** Validates the parameters. */
  public LoadOptions {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(measure, "measure");
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, got " + keys);
    }
    if (valueBytes < 1) {
      throw new IllegalArgumentException("valueBytes must be >= 1, got " + valueBytes);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be >= 1, got " + clients);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative, got " + warmup);
    }
    if (measure.isNegative() || measure.isZero()) {
      throw new IllegalArgumentException("measure must be positive, got " + measure);
    }
  }
}
