package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void oddCountTakesTheMiddle() {
    Spread s = Spread.of(List.of(30.0, 10.0, 20.0));
    assertThat(s.median()).isEqualTo(20.0);
    assertThat(s.min()).isEqualTo(10.0);
    assertThat(s.max()).isEqualTo(30.0);
    assertThat(s.n()).isEqualTo(3);
    assertThat(s.relative()).isEqualTo(1.0);
  }

  @Test
  void evenCountAveragesTheMiddleTwo() {
    assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
  }

  @Test
  void ignoresNaNAndHandlesEmpty() {
    assertThat(Spread.of(List.of(Double.NaN, 5.0)).median()).isEqualTo(5.0);
    Spread none = Spread.of(List.of(Double.NaN));
    assertThat(none.n()).isZero();
    assertThat(none.median()).isNaN();
    assertThat(Report.spread(none)).isEqualTo("–");
  }
}
