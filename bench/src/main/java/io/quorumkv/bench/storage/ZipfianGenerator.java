package io.quorumkv.bench.storage;

import java.util.SplittableRandom;

/**
 * Draws integers in {@code [0, n)} with a Zipfian distribution (Gray et al., "Quickly generating
 * billion-record synthetic databases", as YCSB does), then scatters them with a hash so the hot
 * items are not adjacent keys. Not thread-safe: one per thread.
 */
final class ZipfianGenerator {

  private final long n;
  private final double theta;
  private final double alpha;
  private final double zetan;
  private final double eta;
  private final SplittableRandom random;

  ZipfianGenerator(long n, double theta, SplittableRandom random) {
    this.n = n;
    this.theta = theta;
    this.random = random;
    this.zetan = zeta(n, theta);
    double zeta2 = zeta(2, theta);
    this.alpha = 1.0 / (1.0 - theta);
    this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetan);
  }

  private static double zeta(long n, double theta) {
    double sum = 0;
    for (long i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, theta);
    }
    return sum;
  }

  /** The next rank, scattered over {@code [0, n)}. */
  long next() {
    double u = random.nextDouble();
    double uz = u * zetan;
    long rank;
    if (uz < 1.0) {
      rank = 0;
    } else if (uz < 1.0 + Math.pow(0.5, theta)) {
      rank = 1;
    } else {
      rank = (long) (n * Math.pow(eta * u - eta + 1, alpha));
    }
    return Math.floorMod(mix(Math.min(rank, n - 1)), n);
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
