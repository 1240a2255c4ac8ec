package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.bench.peers.load.RunResult;
import io.quorumkv.bench.peers.load.Workload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  static Sample sample(
      String system, Workload w, int clients, int rep, double opsPerSec, long p99, long frames) {
    long ops = (long) (opsPerSec * 2);
    RunResult r =
        new RunResult(system, w, clients, ops, 2.0, opsPerSec, p99 / 4, p99, p99 * 2, 0, 0, 0);
    return new Sample(
        system, w, clients, rep, r, ops / 1000.0, ops / 2000.0, frames < 0 ? -1 : ops * 10, frames);
  }

  static List<Sample> samples() {
    List<Sample> s = new ArrayList<>();
    for (int rep = 1; rep <= 3; rep++) {
      s.add(sample("etcd", Workload.CAS, 64, rep, 1000 + rep * 100, 40_000, -1));
      s.add(sample("postgres", Workload.CAS, 64, rep, 4000 + rep * 10, 20_000, -1));
      s.add(sample("quorumkv-jdbc", Workload.CAS, 64, rep, 6000 + rep, 10_000, 12_000L * rep));
      s.add(sample("quorumkv-native", Workload.CAS, 64, rep, 8000 + rep, 9_000, 12_000L * rep));
      s.add(sample("quorumkv-native-nomerge", Workload.CAS, 64, rep, 3000, 30_000, 100_000L * rep));
      s.add(sample("postgres", Workload.GET, 64, rep, 20_000, 2_000, -1));
      s.add(sample("quorumkv-native", Workload.GET, 64, rep, 50_000, 3_000, 1));
    }
    return s;
  }

  static Plan plan() {
    return Plan.of(true, Plan.SYSTEMS);
  }

  @Test
  void resultsTableHasMediansAndSpread() {
    String t = new Report(plan(), samples()).resultsTable();
    assertThat(t)
        .contains("| etcd | cas | 64 | 1,200 | 1,100–1,300 (±8%) | 10,000 | 40,000 | 80,000 |");
    assertThat(t).contains("| postgres | get | 64 | 20,000 |");
    assertThat(t.lines().count()).isEqualTo(2 + 7);
  }

  @Test
  void ratiosAreQuorumKvOverPeer() {
    String t = new Report(plan(), samples()).ratioTable();
    // 6002 / 1200 and 6002 / 4020
    assertThat(t).contains("| cas | 64 | jdbc | 6,002 | 1,200 | 5.00× | 4,020 | 1.49× | – | – |");
    assertThat(t).contains("| get | 64 | native | 50,000 | – | – | 20,000 | 2.50× |");
  }

  @Test
  void targetsSayWhatIsReached() {
    String t = new Report(plan(), samples()).targetsTable();
    assertThat(t)
        .contains("| cas through JDBC ≥ 5× etcd | 64 | 5.00 × (6,002 vs 1,200 ops/s) | **yes** |");
    assertThat(t)
        .contains("| cas through JDBC ≥ 2× PostgreSQL single node, lower p99 | 64 | 1.49 ×");
    assertThat(t).containsPattern("PostgreSQL single node, lower p99 .*\\| no \\|");
    assertThat(t).contains("| linearizable get (native) ≥ 2× PostgreSQL plain reads | 64 | 2.50 ×");
    // frames/op off: 100,000 * rep / 6,000 ops, on: 12,000 * rep / 16,002 ops
    assertThat(t)
        .containsPattern("merging cuts .* cas \\| 64 \\| [0-9.]+ × .*\\| \\*\\*yes\\*\\* \\|");
  }

  @Test
  void mergingTablePairsOnAndOff() {
    String t = new Report(plan(), samples()).mergingTable();
    assertThat(t.lines().count()).isEqualTo(3);
    assertThat(t).contains("| cas | 64 | 8,002 | 3,000 |");
  }

  @Test
  void csvHasEveryRepetition() {
    String csv = new Report(plan(), samples()).csv();
    assertThat(csv.lines().count()).isEqualTo(1 + 21);
    assertThat(csv.lines().findFirst().orElseThrow()).startsWith("system,workload,clients,rep,");
    assertThat(csv).contains("quorumkv-jdbc,cas,64,2,");
  }
}
