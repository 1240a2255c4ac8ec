package io.quorumkv.server;

import io.quorumkv.replication.node.NodeStartException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Starts local clusters for tests on a random port base (other builds share this machine). */
final class LocalClusters {
  private LocalClusters() {}

  /** A local cluster and the port base it got. */
  record Started(LocalCluster cluster, int portBase) {}

  /**
   * Starts {@code size} nodes over {@code dir} on a random port base, trying five bases before it
   * reports the ports as taken.
   */
  static Started start(Path dir, int size) throws InterruptedException {
    SplittableRandom random = new SplittableRandom();
    for (int attempt = 1; ; attempt++) {
      int base = 20_000 + random.nextInt(30_000);
      try {
        return new Started(start(dir, size, base), base);
      } catch (NodeStartException e) {
        if (attempt == 5) {
          throw e; // ports of five random bases taken: report it
        }
      }
    }
  }

  /** Starts {@code size} nodes over {@code dir} on port base {@code base}. */
  static LocalCluster start(Path dir, int size, int base) throws InterruptedException {
    return LocalCluster.start(dir, !LocalCluster.loopbackAddressesUsable(), base, size);
  }
}
