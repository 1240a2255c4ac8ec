package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeerBenchTest {

  @Test
  void parsesTheCommandLine() {
    PeerBench.Options o =
        PeerBench.Options.parse(
            new String[] {"--quick", "--out", "x/y", "--systems", "etcd,postgres", "--reps", "5"});
    assertThat(o.quick()).isTrue();
    assertThat(o.out()).isEqualTo(Path.of("x/y"));
    Plan p = o.plan();
    assertThat(p.systems()).containsExactly("etcd", "postgres");
    assertThat(p.reps()).isEqualTo(5);
    assertThat(p.keys()).isEqualTo(Plan.of(true, Plan.SYSTEMS).keys());
    assertThat(PeerBench.Options.parse(new String[] {"--measure", "4"}).plan().measure())
        .isEqualTo(Duration.ofSeconds(4));
    assertThatThrownBy(() -> PeerBench.Options.parse(new String[] {"--bogus", "1"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerBench.Options.parse(new String[] {"--out"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stopsStrayChildProcesses() throws Exception {
    Process p = new ProcessBuilder("sleep", "60").start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PeerBench.stopStrays(new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(buf.toString(StandardCharsets.UTF_8)).contains(Long.toString(p.pid()));
  }
}
