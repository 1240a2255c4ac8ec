package io.quorumkv.storage.bitcask;

import java.util.function.LongConsumer;

/**
 * Runs a seeded scenario over many seeds, or over the one given with {@code -Dbitcask.seed=...},
 * and names the seed and the command that replays it when a seed fails.
 */
final class Seeds {

  private Seeds() {}

  static void forEach(String testClass, int count, LongConsumer scenario) {
    String fixed = System.getProperty("bitcask.seed");
    if (fixed != null && !fixed.isBlank()) {
      run(testClass, Long.parseLong(fixed.trim()), scenario);
      return;
    }
    int n = Integer.getInteger("bitcask.seeds", count);
    for (long seed = 0; seed < n; seed++) {
      run(testClass, seed, scenario);
    }
  }

  private static void run(String testClass, long seed, LongConsumer scenario) {
    try {
      scenario.accept(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed "
              + seed
              + " failed; replay with: mvn -B -o -pl storage/bitcask verify -Dtest="
              + testClass
              + " -Dbitcask.seed="
              + seed
              + " -Dsurefire.failIfNoSpecifiedTests=false",
          e);
    }
  }
}
