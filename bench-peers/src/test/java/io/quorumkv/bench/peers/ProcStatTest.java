package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatTest {

  // A real line (postgres backend) with a command name containing a space and a parenthesis.
  static final String LINE =
      "4242 (postgres: x) y) S 4000 4000 4000 0 -1 4194560 1523 0 0 0 250 75 12 8 20 0 1 0"
          + " 123456 225280000 2048 18446744073709551615 1 1 0 0 0 0 0 16781312 1 0 0 0 17 1 0 0"
          + " 0 0 0 0 0 0 0 0 0 0 0";

  @Test
  void parsesFieldsAfterTheLastParenthesis() {
    ProcStat.Stat s = ProcStat.parse(LINE);
    assertThat(s.pid()).isEqualTo(4242);
    assertThat(s.ppid()).isEqualTo(4000);
    assertThat(s.utime()).isEqualTo(250);
    assertThat(s.stime()).isEqualTo(75);
    assertThat(s.cutime()).isEqualTo(12);
    assertThat(s.cstime()).isEqualTo(8);
    assertThat(s.ownCpuSeconds()).isCloseTo(3.25, within(1e-9));
    assertThat(s.cpuSeconds()).isCloseTo(3.45, within(1e-9));
  }

  @Test
  void treeSumsRootsAndLiveDescendantsOnly() {
    List<ProcStat.Stat> table =
        List.of(
            new ProcStat.Stat(1, 0, 1000, 1000, 0, 0), // init: not ours
            new ProcStat.Stat(10, 1, 100, 50, 30, 20), // postmaster, reaped backends in c*time
            new ProcStat.Stat(11, 10, 200, 100, 0, 0), // backend
            new ProcStat.Stat(12, 11, 10, 0, 0, 0), // grandchild
            new ProcStat.Stat(20, 1, 7, 3, 0, 0), // standby postmaster
            new ProcStat.Stat(30, 1, 999, 999, 0, 0)); // unrelated
    assertThat(ProcStat.treeCpuSeconds(List.of(10L, 20L), table))
        .isCloseTo((200 + 300 + 10 + 10) / 100.0, within(1e-9));
    assertThat(ProcStat.treeCpuSeconds(List.of(99L), table)).isZero();
  }

  @Test
  void readsThisJvm() {
    double self = ProcStat.selfCpuSeconds(); // first: CPU time only grows
    assertThat(self).isPositive();
    assertThat(ProcStat.treeCpuSeconds(List.of(ProcessHandle.current().pid())))
        .isGreaterThanOrEqualTo(self);
  }
}
