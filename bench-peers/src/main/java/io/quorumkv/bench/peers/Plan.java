package io.quorumkv.bench.peers;

import io.quorumkv.bench.peers.load.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix of a run and its time budget. Not every workload at every concurrency on every system
 * fits the bound (15 minutes, 3 for {@code --quick}) with 3 repetitions each, so:
 *
 * <ul>
 *   <li>{@code cas} is swept over the concurrencies ({@link #sweep}) on every system (the
 *       latency-throughput plot);
 *   <li>the other workloads run at {@link #clients} concurrent clients: all of them on the main
 *       systems (etcd, PostgreSQL single node, QuorumKV through JDBC), {@code put} and {@code get}
 *       on the secondary ones (PostgreSQL with a synchronous standby, QuorumKV's native client with
 *       message merging on and off; with merging off, cas only at {@link #clients} clients and
 *       above);
 *   <li>after loading, each target runs each of its workloads once unmeasured for {@link
 *       #systemWarmup};
 *   <li>every cell runs {@link #reps} times; the first repetition warms up for {@link
 *       #firstWarmup}, later ones (same system, same data, connections reopened) for {@link
 *       #warmup}.
 * </ul>
 *
 * @param keys keys loaded into every system
 * @param valueBytes the size of every value
 * @param sweep the concurrencies of the {@code cas} sweep
 * @param clients the concurrency of the other workloads
 * @param mainWorkloads the non-swept workloads of the main systems
 * @param secondaryWorkloads the non-swept workloads of the secondary systems
 * @param secondarySweep the concurrencies of the secondary systems' {@code cas} sweep
 * @param systemWarmup how long each workload of a target runs unmeasured, once, after loading (0:
 *     not at all)
 * @param systems the systems to run, in order (a subset of {@link #SYSTEMS})
 */
record Plan(
    boolean quick,
    long keys,
    int valueBytes,
    List<Integer> sweep,
    int clients,
    List<Workload> mainWorkloads,
    List<Workload> secondaryWorkloads,
    List<Integer> secondarySweep,
    int reps,
    Duration firstWarmup,
    Duration warmup,
    Duration measure,
    Duration systemWarmup,
    List<String> systems) {

  /** Every system label, in the order they run (one system's processes at a time). */
  static final List<String> SYSTEMS =
      List.of(
          "etcd",
          "postgres",
          "postgres-sync",
          "quorumkv-jdbc",
          "quorumkv-native",
          "quorumkv-native-nomerge");

  /** The systems that run every workload. */
  static final List<String> MAIN = List.of("etcd", "postgres", "quorumkv-jdbc");

  /** What a run takes besides measuring, per run (opening clients, ramp-down), estimated. */
  static final Duration RUN_OVERHEAD = Duration.ofSeconds(1);

  /** One cell of the matrix. */
  record Step(String system, Workload workload, int clients) {}

  /** The default plan, or the {@code --quick} one, for {@code systems}. */
  static Plan of(boolean quick, List<String> systems) {
    for (String s : systems) {
      if (!SYSTEMS.contains(s)) {
        throw new IllegalArgumentException(
            "unknown system '" + s + "', expected some of " + SYSTEMS);
      }
    }
    List<String> ordered = SYSTEMS.stream().filter(systems::contains).toList();
    if (quick) {
      return new Plan(
          true,
          5_000,
          100,
          List.of(1, 64),
          64,
          List.of(Workload.GET),
          List.of(Workload.GET),
          List.of(64),
          3,
          Duration.ofMillis(500),
          Duration.ofMillis(200),
          Duration.ofSeconds(1),
          // none: it cost --quick half a minute of its 3 on a busy machine
          Duration.ZERO,
          ordered);
    }
    return new Plan(
        false,
        100_000,
        100,
        List.of(1, 16, 64, 256),
        64,
        List.of(
            Workload.CAS_HOT,
            Workload.PUT,
            Workload.GET,
            Workload.YCSB_A,
            Workload.YCSB_B,
            Workload.YCSB_C,
            Workload.YCSB_F),
        List.of(Workload.PUT, Workload.GET),
        List.of(1, 16, 64, 256),
        3,
        Duration.ofSeconds(1),
        Duration.ofMillis(300),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        ordered);
  }

  /** This plan with other repetitions and windows (command-line overrides). */
  Plan with(long newKeys, int newReps, Duration newWarmup, Duration newMeasure) {
    return new Plan(
        quick,
        newKeys,
        valueBytes,
        sweep,
        clients,
        mainWorkloads,
        secondaryWorkloads,
        secondarySweep,
        newReps,
        newWarmup,
        warmup.compareTo(newWarmup) < 0 ? warmup : newWarmup,
        newMeasure,
        systemWarmup,
        systems);
  }

  /** The cells of {@code system}, in run order. */
  List<Step> steps(String system) {
    boolean main = MAIN.contains(system);
    List<Step> steps = new ArrayList<>();
    // Merging off is compared where merging has something to merge: at and above the main
    // concurrency.
    boolean nomerge = system.endsWith("-nomerge");
    for (int c : sweep) {
      if (main || (nomerge ? c >= clients : secondarySweep.contains(c))) {
        steps.add(new Step(system, Workload.CAS, c));
      }
    }
    for (Workload w : main ? mainWorkloads : secondaryWorkloads) {
      steps.add(new Step(system, w, clients));
    }
    return steps;
  }

  /** Every cell of the plan. */
  List<Step> steps() {
    return systems.stream().flatMap(s -> steps(s).stream()).toList();
  }

  /**
   * The measuring part of the run: the targets' warm-ups, and the warm-ups, windows and per-run
   * overhead of every cell.
   */
  Duration measuringTime() {
    long cells = steps().size();
    Duration perCell =
        firstWarmup
            .plus(warmup.multipliedBy(reps - 1L))
            .plus(measure.plus(RUN_OVERHEAD).multipliedBy(reps));
    long targetWorkloads =
        systemWarmup.isZero()
            ? 0
            : systems.stream()
                .mapToLong(sys -> steps(sys).stream().map(Step::workload).distinct().count())
                .sum();
    return perCell
        .multipliedBy(cells)
        .plus(systemWarmup.plus(RUN_OVERHEAD).multipliedBy(targetWorkloads));
  }

  /** One paragraph saying what runs, for the output and the docs. */
  String describe() {
    return String.format(
        "%s run: %,d keys, %d-byte values; cas at %s clients on every system; %s at %d clients on"
            + " etcd, postgres and quorumkv-jdbc; %s at %d clients on the others (postgres-sync,"
            + " quorumkv-native, quorumkv-native-nomerge; their cas sweep: %s clients, merging off"
            + " only from %d up); %d"
            + " repetitions of %.1f s measured per cell after %.1f s warm-up (%.1f s on repetitions"
            + " after the first); %s;"
            + " %d cells, %d runs, about %d s of measuring.",
        quick ? "Quick" : "Default",
        keys,
        valueBytes,
        sweep,
        names(mainWorkloads),
        clients,
        names(secondaryWorkloads),
        clients,
        secondarySweep,
        clients,
        reps,
        measure.toMillis() / 1000.0,
        firstWarmup.toMillis() / 1000.0,
        warmup.toMillis() / 1000.0,
        systemWarmup.isZero()
            ? "no per-target warm-up"
            : String.format(
                java.util.Locale.ROOT,
                "after loading, each target's workloads run once for %.1f s unmeasured",
                systemWarmup.toMillis() / 1000.0),
        steps().size(),
        steps().size() * reps,
        measuringTime().toSeconds());
  }

  static String names(List<Workload> ws) {
    return String.join(", ", ws.stream().map(Plan::name).toList());
  }

  /** The workload's name in tables: {@code cas}, {@code cas-hot}, {@code ycsb-a}, ... */
  static String name(Workload w) {
    return w.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
