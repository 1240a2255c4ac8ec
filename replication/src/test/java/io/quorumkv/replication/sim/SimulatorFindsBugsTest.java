package io.quorumkv.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The simulator and checker must catch real bugs, not just pass: break the durability contract on
 * purpose and require that some seed fails.
 */
class SimulatorFindsBugsTest {

  private static int failingSeeds(Simulation.Config cfg, int seeds) {
    int failed = 0;
    long[] totals = new long[5];
    for (long seed = 0; seed < seeds; seed++) {
      if (PaxosSimTest.checkSeed(seed, cfg, totals) != null) {
        failed++;
      }
    }
    return failed;
  }

  @Test
  void disksThatForgetSyncedWritesAreCaught() {
    Simulation.Config broken =
        new Simulation.Config(3, 6, 1, 40, 0.02, 0.0, true, false, /* amnesia= */ true);
    assertThat(failingSeeds(broken, 400)).isPositive();
  }

  @Test
  void nodesThatDoNotSyncPromisesAndAcceptsAreCaught() {
    // Only learned values may skip the fsync (PAXOS.md, "Lazy learning"); the simulator must
    // catch a node that releases promises and accepts before they are durable.
    Simulation.Config broken =
        new Simulation.Config(3, 6, 1, 40, 0.02, 0.0, true, false, false, /* allLazy= */ true);
    assertThat(failingSeeds(broken, 200)).isPositive();
  }
}
