package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.bench.peers.load.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {

  @Test
  void defaultSweepsCasAndRunsEveryWorkloadOnTheMainSystems() {
    Plan p = Plan.of(false, Plan.SYSTEMS);
    assertThat(p.steps("etcd")).hasSize(4 + 7);
    assertThat(p.steps("postgres-sync"))
        .extracting(Plan.Step::workload)
        .containsExactly(
            Workload.CAS, Workload.CAS, Workload.CAS, Workload.CAS, Workload.PUT, Workload.GET);
    assertThat(p.steps("quorumkv-native-nomerge"))
        .extracting(Plan.Step::clients)
        .containsExactly(64, 256, 64, 64);
    assertThat(p.steps()).hasSize(3 * 11 + 2 * 6 + 4);
    assertThat(p.reps()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void measuringFitsTheBudgets() {
    // Estimates with 1 s of overhead per run; start-up and loading come on top (about 2.5 minutes
    // for the default, under 1 for --quick, on a busy 2-core machine).
    assertThat(Plan.of(false, Plan.SYSTEMS).measuringTime()).isLessThan(Duration.ofMinutes(11));
    assertThat(Plan.of(true, Plan.SYSTEMS).measuringTime()).isLessThan(Duration.ofSeconds(130));
  }

  @Test
  void systemsRunInTheFixedOrderAndUnknownOnesAreRefused() {
    assertThat(Plan.of(true, List.of("quorumkv-jdbc", "etcd")).systems())
        .containsExactly("etcd", "quorumkv-jdbc");
    assertThatThrownBy(() -> Plan.of(true, List.of("mysql")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
