package io.quorumkv.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.check.LinearizabilityChecker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs many seeds of the deterministic {@link Simulation} and checks every history for
 * linearizability, plus the cluster-wide "one proposal per version" invariant and post-heal
 * liveness.
 *
 * <p>System properties: {@code sim.seed} replays one seed; {@code sim.seeds} (default 8000) and
 * {@code sim.firstSeed} (default 0) choose a range. Seeds divisible by 4 run 5 replicas, the rest
 * 3; seeds {@code = 1 mod 3} put 6 clients on one hot key, the others 5 clients on 3 keys. A
 * summary goes to {@code target/sim-report.txt}.
 */
class PaxosSimTest {
  private static final Logger LOG = LoggerFactory.getLogger(PaxosSimTest.class);

  static Simulation.Config configFor(long seed) {
    Simulation.Config base = Simulation.Config.faulty(seed % 4 == 0 ? 5 : 3);
    if (seed % 3 == 1) {
      // one hot key, more clients: maximal contention between coordinators and CAS races
      return new Simulation.Config(
          base.replicas(), 6, 1, 15, base.dropRate(), base.dupRate(), true, true, false);
    }
    return base;
  }

  /** The outcome of one seed: {@code null} if fine, else why it failed. */
  static String checkSeed(long seed, Simulation.Config cfg, long[] totals) {
    Simulation sim = new Simulation(seed, cfg);
    Simulation.Run run = sim.run();
    LinearizabilityChecker.Result r =
        new LinearizabilityChecker(Long.getLong("sim.checkBudget", 20_000_000))
            .check(run.history());
    totals[0] += r.opsChecked();
    totals[1] += run.messages();
    totals[2] += run.crashes();
    totals[3] += run.history().stream().filter(o -> o.status().name().equals("INFO")).count();
    if (totals.length > 6) {
      totals[5] += run.wipes();
      totals[6] += run.rebuilds();
    }
    if (totals.length > 9) {
      totals[7] += run.moves();
      totals[8] += run.splits();
      totals[9] += run.drops();
    }
    if (run.violation() != null) {
      return run.violation();
    }
    if (r.inconclusive()) {
      totals[4]++;
      LOG.warn("seed {}: checker budget exhausted, counted as inconclusive", seed);
    } else if (!r.linearizable()) {
      return r.explanation();
    }
    if (!run.finalReadsOk()) {
      return "liveness: after healing all faults, reads did not complete\n" + sim.debug;
    }
    return null;
  }

  static String replay(long seed) {
    return "mvn -B -o -pl replication test -Dtest=PaxosSimTest -Dsim.seed=" + seed;
  }

  static String replayDiskLoss(long seed) {
    return "mvn -B -o -pl replication test -Dtest=PaxosSimTest#seedsWithDiskLossAreLinearizable"
        + " -Dsim.diskLossSeed="
        + seed;
  }

  /**
   * Disk loss on top of every other fault: some crashes wipe the node's disk, and the node rebuilds
   * from its peers behind acceptor fences (PAXOS.md, "A replica that lost its disk"). Its own seed
   * range (from 1,000,000), so the seeds above keep their schedules. System properties: {@code
   * sim.diskLossSeed} replays one, {@code sim.diskLossSeeds} (default 1000) and {@code
   * sim.diskLossFirstSeed} choose a range.
   */
  @Test
  void seedsWithDiskLossAreLinearizable() throws IOException {
    String one = System.getProperty("sim.diskLossSeed");
    long first = Long.getLong("sim.diskLossFirstSeed", 1_000_000);
    long count = Long.getLong("sim.diskLossSeeds", 1000);
    if (one != null) {
      first = Long.parseLong(one);
      count = 1;
    }
    long[] totals = new long[7];
    List<String> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (long seed = first; seed < first + count && failures.size() < 3; seed++) {
      Simulation.Config cfg = configFor(seed).withDiskLoss(true);
      String why = checkSeed(seed, cfg, totals);
      if (why != null) {
        String msg =
            "disk-loss seed "
                + seed
                + " ("
                + cfg.replicas()
                + " replicas) failed: "
                + why
                + "\nreplay: "
                + replayDiskLoss(seed);
        LOG.error(msg);
        failures.add(msg);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String summary =
        String.format(
            "PaxosSimTest disk loss: seeds %d..%d, %d operations checked, %d unknown outcomes,"
                + " %d crashes, %d disks wiped, %d rebuilds completed, %d inconclusive, %d ms"
                + " wall%n",
            first,
            first + count - 1,
            totals[0],
            totals[3],
            totals[2],
            totals[5],
            totals[6],
            totals[4],
            millis);
    LOG.info(summary);
    Path report = Path.of("target", "sim-disk-loss-report.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, summary + String.join("\n", failures), StandardCharsets.UTF_8);
    assertThat(failures).as(summary).isEmpty();
    assertThat(totals[5]).as("disks wiped: " + summary).isPositive();
    assertThat(totals[4]).as(summary).isLessThanOrEqualTo(Math.max(1, count / 200));
  }

  static String replayTopology(long seed) {
    return "mvn -B -o -pl replication test"
        + " -Dtest=PaxosSimTest#seedsWithTopologyChangesAreLinearizable -Dsim.topologySeed="
        + seed;
  }

  /** The configuration of a topology seed: the ordinary one plus two spare nodes, moves on. */
  static Simulation.Config topologyConfigFor(long seed) {
    return configFor(seed).withTopology(2, Simulation.Handoff.SAFE);
  }

  /**
   * Topology changes on top of every other fault except disk loss: segments move between groups of
   * the nodes (the joint configuration, settling, the new group; PAXOS.md, "Moving a key between
   * groups") and split (every epoch bumps) while clients run and the nemesis drops, duplicates,
   * reorders, partitions and crashes, sources and targets of moves included. Its own seed range
   * (from 2,000,000). System properties: {@code sim.topologySeed} replays one, {@code
   * sim.topologySeeds} (default 3000) and {@code sim.topologyFirstSeed} choose a range.
   */
  @Test
  void seedsWithTopologyChangesAreLinearizable() throws IOException {
    String one = System.getProperty("sim.topologySeed");
    long first = Long.getLong("sim.topologyFirstSeed", 2_000_000);
    long count = Long.getLong("sim.topologySeeds", 3000);
    if (one != null) {
      first = Long.parseLong(one);
      count = 1;
    }
    long[] totals = new long[10];
    List<String> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (long seed = first; seed < first + count && failures.size() < 3; seed++) {
      Simulation.Config cfg = topologyConfigFor(seed);
      String why = checkSeed(seed, cfg, totals);
      if (why != null) {
        String msg =
            "topology seed "
                + seed
                + " ("
                + cfg.replicas()
                + " replicas + "
                + cfg.spares()
                + " spares) failed: "
                + why
                + "\nreplay: "
                + replayTopology(seed);
        LOG.error(msg);
        failures.add(msg);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String summary =
        String.format(
            "PaxosSimTest topology: seeds %d..%d, %d operations checked, %d unknown outcomes,"
                + " %d crashes, %d segment moves, %d splits, %d segments dropped by nodes they"
                + " left, %d inconclusive, %d ms wall%n",
            first,
            first + count - 1,
            totals[0],
            totals[3],
            totals[2],
            totals[7],
            totals[8],
            totals[9],
            totals[4],
            millis);
    LOG.info(summary);
    Path report = Path.of("target", "sim-topology-report.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, summary + String.join("\n", failures), StandardCharsets.UTF_8);
    assertThat(failures).as(summary).isEmpty();
    assertThat(totals[7]).as("segment moves: " + summary).isGreaterThanOrEqualTo(count);
    assertThat(totals[4]).as(summary).isLessThanOrEqualTo(Math.max(1, count / 200));
  }

  @Test
  void seedsAreLinearizable() throws IOException {
    String one = System.getProperty("sim.seed");
    long first = Long.getLong("sim.firstSeed", 0);
    long count = Long.getLong("sim.seeds", 8000);
    if (one != null) {
      first = Long.parseLong(one);
      count = 1;
    }
    long[] totals = new long[5];
    List<String> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (long seed = first; seed < first + count && failures.size() < 3; seed++) {
      Simulation.Config cfg = configFor(seed);
      String why = checkSeed(seed, cfg, totals);
      if (why != null) {
        String msg =
            "seed "
                + seed
                + " ("
                + cfg.replicas()
                + " replicas) failed: "
                + why
                + "\nreplay: "
                + replay(seed);
        LOG.error(msg);
        failures.add(msg);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String summary =
        String.format(
            "PaxosSimTest: seeds %d..%d, %d operations checked, %d unknown outcomes, %d messages,"
                + " %d crashes, %d seeds inconclusive (checker budget), %d ms wall%n",
            first,
            first + count - 1,
            totals[0],
            totals[3],
            totals[1],
            totals[2],
            totals[4],
            millis);
    LOG.info(summary);
    Path report = Path.of("target", "sim-report.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, summary + String.join("\n", failures), StandardCharsets.UTF_8);
    assertThat(failures).as(summary).isEmpty();
    // an inconclusive check is not a failure, but it must stay rare or the test proves little
    assertThat(totals[4]).as(summary).isLessThanOrEqualTo(Math.max(1, count / 200));
  }

  /** The same seed gives the same run: a failure can always be replayed. */
  @Test
  void runsAreDeterministic() {
    Simulation.Run a = new Simulation(77, configFor(77)).run();
    Simulation.Run b = new Simulation(77, configFor(77)).run();
    assertThat(a.history()).isEqualTo(b.history());
    assertThat(a.messages()).isEqualTo(b.messages());
  }
}
