package io.quorumkv.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator and checker must catch real bugs, not just pass: break the durability contract on
 * purpose and require that some seed fails.
 */
class SimulatorFindsBugsTest {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatorFindsBugsTest.class);

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
  void nodesThatRejoinEmptyAfterDiskLossAreCaught() {
    // The protection of PAXOS.md ("A replica that lost its disk") switched off: a wiped node
    // believes it is new and votes at once. Some seed must fail; the first one found is logged
    // (with the protection on, PaxosSimTest runs the same schedules).
    long found = -1;
    long[] totals = new long[7];
    for (long seed = 0; seed < 3000 && found < 0; seed++) {
      Simulation.Config broken =
          new Simulation.Config(3, 6, 1, 40, 0.02, 0.0, true, false, false, false)
              .withDiskLoss(/* rebuild= */ false);
      String why = PaxosSimTest.checkSeed(seed, broken, totals);
      if (why != null) {
        found = seed;
        LOG.warn("disk loss without rebuild: seed {} fails: {}", seed, why.lines().findFirst());
        Simulation.Config fixed =
            new Simulation.Config(3, 6, 1, 40, 0.02, 0.0, true, false, false, false)
                .withDiskLoss(/* rebuild= */ true);
        assertThat(PaxosSimTest.checkSeed(seed, fixed, new long[7]))
            .as("the same seed with rebuild from peers")
            .isNull();
      }
    }
    assertThat(found).as("a failing seed among 3000 (disks wiped: %d)", totals[5]).isNotNegative();
  }

  private static long firstFailingTopologySeed(Simulation.Handoff handoff, int seeds) {
    long[] totals = new long[10];
    for (long seed = 2_000_000; seed < 2_000_000 + seeds; seed++) {
      Simulation.Config broken = PaxosSimTest.configFor(seed).withTopology(2, handoff);
      String why = PaxosSimTest.checkSeed(seed, broken, totals);
      if (why != null) {
        LOG.warn("handoff {}: seed {} fails: {}", handoff, seed, why.lines().findFirst());
        assertThat(PaxosSimTest.checkSeed(seed, PaxosSimTest.topologyConfigFor(seed), new long[10]))
            .as("the same seed with the safe handoff")
            .isNull();
        return seed;
      }
    }
    return -1;
  }

  @Test
  void movesWhoseKeysAreNotSettledAreCaught() {
    // The new group takes over without every key's latest value made durable at a majority of it:
    // a majority of the new group may not know a value the old group chose.
    assertThat(firstFailingTopologySeed(Simulation.Handoff.SKIP_SETTLE, 3000))
        .as("a failing seed among 3000")
        .isNotNegative();
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
