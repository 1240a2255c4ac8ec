package io.quorumkv.bench.peers;

import io.quorumkv.bench.peers.load.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The results of a run as Markdown tables, CSV and the data of the two plots. */
final class Report {
  /** The file names of the plots, relative to results.md. */
  static final String LATENCY_PLOT = "cas-latency-throughput.svg";

  static final String THROUGHPUT_PLOT = "throughput.svg";

  private final Plan plan;
  private final List<Cell> cells;

  Report(Plan plan, List<Sample> samples) {
    this.plan = plan;
    Map<String, List<Sample>> byCell = new LinkedHashMap<>();
    for (Sample s : samples) {
      byCell
          .computeIfAbsent(
              s.system() + "|" + s.workload() + "|" + s.clients(), k -> new ArrayList<>())
          .add(s);
    }
    this.cells =
        byCell.values().stream()
            .map(l -> new Cell(l.get(0).system(), l.get(0).workload(), l.get(0).clients(), l))
            .toList();
  }

  List<Cell> cells() {
    return cells;
  }

  Optional<Cell> cell(String system, Workload w, int clients) {
    return cells.stream()
        .filter(c -> c.system().equals(system) && c.workload() == w && c.clients() == clients)
        .findFirst();
  }

  /** The whole Markdown document body after the header: tables, targets, plots. */
  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("### All runs (medians of ").append(plan.reps()).append(" repetitions)\n\n");
    sb.append(resultsTable());
    sb.append("\n### QuorumKV against the peers (median ops/s; ratio = QuorumKV / peer)\n\n");
    sb.append(ratioTable());
    sb.append("\n### Message merging (QuorumKV native client, merging on vs off)\n\n");
    sb.append(mergingTable());
    sb.append("\n### The issue's targets\n\n");
    sb.append(targetsTable());
    sb.append("\n### Plots\n\n");
    sb.append("![cas: p99 latency against throughput](").append(LATENCY_PLOT).append(")\n\n");
    sb.append("![ops/s per workload and system](").append(THROUGHPUT_PLOT).append(")\n");
    return sb.toString();
  }

  String resultsTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| system | workload | clients | ops/s | spread (min–max) | p50 µs | p99 µs | p999 µs |"
            + " applied / conflicts | errors | system CPU s/1k ops | loader CPU s/1k ops |\n");
    sb.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Cell c : cells) {
      Spread ops = c.opsPerSecond();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d | %s | %s |%n",
              c.system(),
              Plan.name(c.workload()),
              c.clients(),
              num(ops.median()),
              spread(ops),
              num(c.p50()),
              num(c.p99()),
              num(c.p999()),
              c.applied() + c.conflicts() == 0
                  ? "–"
                  : String.format(Locale.ROOT, "%,d / %,d", c.applied(), c.conflicts()),
              c.errors(),
              dec(c.cpuPer1k(), 3),
              dec(c.loaderCpuPer1k(), 3)));
    }
    return sb.toString();
  }

  /** cas at every swept concurrency and get, QuorumKV (JDBC and native) against each peer. */
  String ratioTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| workload | clients | QuorumKV via | QuorumKV ops/s | etcd ops/s | × etcd | postgres ops/s |"
            + " × postgres | postgres-sync ops/s | × postgres-sync | p99 µs QuorumKV / etcd /"
            + " postgres / postgres-sync |\n");
    sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    List<int[]> rows = new ArrayList<>();
    for (int c : plan.sweep()) {
      rows.add(new int[] {Workload.CAS.ordinal(), c});
    }
    rows.add(new int[] {Workload.GET.ordinal(), plan.clients()});
    for (int[] r : rows) {
      Workload w = Workload.values()[r[0]];
      int clients = r[1];
      for (String q : List.of("quorumkv-jdbc", "quorumkv-native")) {
        Optional<Cell> qc = cell(q, w, clients);
        if (qc.isEmpty()) {
          continue;
        }
        Optional<Cell> etcd = cell("etcd", w, clients);
        Optional<Cell> pg = cell("postgres", w, clients);
        Optional<Cell> sync = cell("postgres-sync", w, clients);
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |%n",
                Plan.name(w),
                clients,
                q.substring("quorumkv-".length()),
                num(ops(qc)),
                num(ops(etcd)),
                ratio(ops(qc), ops(etcd)),
                num(ops(pg)),
                ratio(ops(qc), ops(pg)),
                num(ops(sync)),
                ratio(ops(qc), ops(sync)),
                num(qc.map(Cell::p99).orElse(Double.NaN)),
                num(etcd.map(Cell::p99).orElse(Double.NaN)),
                num(pg.map(Cell::p99).orElse(Double.NaN)),
                num(sync.map(Cell::p99).orElse(Double.NaN))));
      }
    }
    return sb.toString();
  }

  String mergingTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| workload | clients | ops/s on | ops/s off | peer msgs/op on | off | frames/op on | off |"
            + " frames cut (off/on) | node CPU s/1k ops on | off |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Cell off : cells) {
      if (!off.system().equals("quorumkv-native-nomerge")) {
        continue;
      }
      Optional<Cell> on = cell("quorumkv-native", off.workload(), off.clients());
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              Plan.name(off.workload()),
              off.clients(),
              num(ops(on)),
              num(off.opsPerSecond().median()),
              dec(on.map(Cell::messagesPerOp).orElse(Double.NaN), 2),
              dec(off.messagesPerOp(), 2),
              dec(on.map(Cell::framesPerOp).orElse(Double.NaN), 2),
              dec(off.framesPerOp(), 2),
              ratio(off.framesPerOp(), on.map(Cell::framesPerOp).orElse(Double.NaN)),
              dec(on.map(Cell::cpuPer1k).orElse(Double.NaN), 3),
              dec(off.cpuPer1k(), 3)));
    }
    return sb.toString();
  }

  /** The four targets, each at every measured concurrency of at least {@code clients}. */
  String targetsTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| target | clients | measured | reached |\n|---|---:|---|---|\n");
    for (int c : plan.sweep()) {
      if (c < plan.clients()) {
        continue;
      }
      Optional<Cell> q = cell("quorumkv-jdbc", Workload.CAS, c);
      Optional<Cell> etcd = cell("etcd", Workload.CAS, c);
      Optional<Cell> pg = cell("postgres", Workload.CAS, c);
      if (q.isPresent() && etcd.isPresent()) {
        double r = ops(q) / ops(etcd);
        sb.append(
            String.format(
                Locale.ROOT,
                "| cas through JDBC ≥ 5× etcd | %d | %s × (%s vs %s ops/s) | %s |%n",
                c,
                dec(r, 2),
                num(ops(q)),
                num(ops(etcd)),
                yes(r >= 5)));
      }
      if (q.isPresent() && pg.isPresent()) {
        double r = ops(q) / ops(pg);
        double p99q = q.get().p99();
        double p99p = pg.get().p99();
        sb.append(
            String.format(
                Locale.ROOT,
                "| cas through JDBC ≥ 2× PostgreSQL single node, lower p99 | %d | %s × (%s vs %s"
                    + " ops/s), p99 %s vs %s µs | %s |%n",
                c,
                dec(r, 2),
                num(ops(q)),
                num(ops(pg)),
                num(p99q),
                num(p99p),
                yes(r >= 2 && p99q < p99p)));
      }
    }
    for (String via : List.of("quorumkv-jdbc", "quorumkv-native")) {
      Optional<Cell> q = cell(via, Workload.GET, plan.clients());
      Optional<Cell> pg = cell("postgres", Workload.GET, plan.clients());
      if (q.isPresent() && pg.isPresent()) {
        double r = ops(q) / ops(pg);
        sb.append(
            String.format(
                Locale.ROOT,
                "| linearizable get (%s) ≥ 2× PostgreSQL plain reads | %d | %s × (%s vs %s ops/s)"
                    + " | %s |%n",
                via.substring("quorumkv-".length()),
                plan.clients(),
                dec(r, 2),
                num(ops(q)),
                num(ops(pg)),
                yes(r >= 2)));
      }
    }
    for (Cell off : cells) {
      if (!off.system().equals("quorumkv-native-nomerge") || off.clients() < plan.clients()) {
        continue;
      }
      Optional<Cell> on = cell("quorumkv-native", off.workload(), off.clients());
      if (on.isEmpty()) {
        continue;
      }
      double r = off.framesPerOp() / on.get().framesPerOp();
      sb.append(
          String.format(
              Locale.ROOT,
              "| merging cuts network messages (frames) per op ≥ 5×, %s | %d | %s × (%s → %s"
                  + " frames/op; protocol msgs/op %s off, %s on) | %s |%n",
              Plan.name(off.workload()),
              off.clients(),
              dec(r, 1),
              dec(off.framesPerOp(), 2),
              dec(on.get().framesPerOp(), 2),
              dec(off.messagesPerOp(), 1),
              dec(on.get().messagesPerOp(), 1),
              yes(r >= 5)));
    }
    return sb.toString();
  }

  /** Every repetition, one line each. */
  String csv() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "system,workload,clients,rep,ops,seconds,ops_per_s,p50_us,p99_us,p999_us,applied,conflicts,"
            + "errors,system_cpu_s,loader_cpu_s,peer_messages,peer_frames\n");
    for (Cell c : cells) {
      for (Sample s : c.samples()) {
        sb.append(
            String.join(
                    ",",
                    s.system(),
                    Plan.name(s.workload()),
                    Integer.toString(s.clients()),
                    Integer.toString(s.rep()),
                    Long.toString(s.run().ops()),
                    dec(s.run().seconds(), 3),
                    dec(s.run().opsPerSecond(), 1),
                    Long.toString(s.run().p50Micros()),
                    Long.toString(s.run().p99Micros()),
                    Long.toString(s.run().p999Micros()),
                    Long.toString(s.run().applied()),
                    Long.toString(s.run().conflicts()),
                    Long.toString(s.run().errors()),
                    dec(s.systemCpuSeconds(), 2),
                    dec(s.loaderCpuSeconds(), 2),
                    Long.toString(s.peerMessages()),
                    Long.toString(s.peerFrames()))
                + "\n");
      }
    }
    return sb.toString();
  }

  /** The cas sweep: p99 (log scale) against ops/s, one line per system. */
  String latencyPlot() {
    List<Svg.Series> series = new ArrayList<>();
    for (String system : systemsInOrder()) {
      List<Svg.Point> points =
          cells.stream()
              .filter(c -> c.system().equals(system) && c.workload() == Workload.CAS)
              .sorted(java.util.Comparator.comparingInt(Cell::clients))
              .map(c -> new Svg.Point(c.opsPerSecond().median(), c.p99(), c.clients() + ""))
              .toList();
      if (!points.isEmpty()) {
        series.add(new Svg.Series(system, points));
      }
    }
    return Svg.lineChart(
        "cas (read + compare-and-set): p99 latency against throughput; labels = clients",
        "ops/s, median of " + plan.reps() + " (log scale)",
        "p99 latency, µs (log scale)",
        true,
        series);
  }

  /** Median ops/s of every workload at the main concurrency, one bar per system. */
  String throughputPlot() {
    List<String> systems = systemsInOrder();
    List<Workload> workloads =
        cells.stream()
            .filter(c -> c.clients() == plan.clients())
            .map(Cell::workload)
            .distinct()
            .sorted()
            .toList();
    double[][] v = new double[systems.size()][workloads.size()];
    for (int s = 0; s < systems.size(); s++) {
      for (int w = 0; w < workloads.size(); w++) {
        v[s][w] = ops(cell(systems.get(s), workloads.get(w), plan.clients()));
      }
    }
    return Svg.barChart(
        "ops/s per workload at " + plan.clients() + " clients (median of " + plan.reps() + ")",
        "ops/s",
        workloads.stream().map(Plan::name).toList(),
        systems,
        v);
  }

  private List<String> systemsInOrder() {
    return Plan.SYSTEMS.stream()
        .filter(s -> cells.stream().anyMatch(c -> c.system().equals(s)))
        .collect(Collectors.toList());
  }

  private static double ops(Optional<Cell> c) {
    return c.map(x -> x.opsPerSecond().median()).orElse(Double.NaN);
  }

  static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
  }

  static String dec(double v, int places) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + places + "f", v);
  }

  static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : dec(a / b, 2) + "×";
  }

  static String spread(Spread s) {
    if (s.n() == 0) {
      return "–";
    }
    return String.format(
        Locale.ROOT, "%s–%s (±%.0f%%)", num(s.min()), num(s.max()), s.relative() * 50);
  }

  private static String yes(boolean b) {
    return b ? "**yes**" : "no";
  }
}
