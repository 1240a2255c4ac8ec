package io.quorumkv.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyRangeTest {

  @Test
  void prefixRangeEndsAtTheNextPrefix() {
    KeyRange r = KeyRange.prefix(new byte[] {1, (byte) 0xff});
    assertThat(r.start()).containsExactly(1, 0xff);
    assertThat(r.end()).containsExactly(2);
    assertThat(r.contains(new byte[] {1, (byte) 0xff, 0})).isTrue();
    assertThat(r.contains(new byte[] {2})).isFalse();
    assertThat(r.contains(new byte[] {1})).isFalse();
  }

  @Test
  void prefixOfAllOnesIsUnboundedAbove() {
    assertThat(KeyRange.prefix(new byte[] {(byte) 0xff, (byte) 0xff}).end()).isNull();
    assertThat(KeyRange.prefix(new byte[0])).isEqualTo(KeyRange.all());
  }

  @Test
  void boundsAreUnsignedAndHalfOpen() {
    KeyRange r = KeyRange.of(new byte[] {0x10}, new byte[] {(byte) 0x80});
    assertThat(r.contains(new byte[] {0x10})).isTrue();
    assertThat(r.contains(new byte[] {0x7f, (byte) 0xff})).isTrue();
    assertThat(r.contains(new byte[] {(byte) 0x80})).isFalse();
    assertThat(r.contains(new byte[] {0x0f})).isFalse();
  }

  @Test
  void invertedRangeIsRejected() {
    assertThatThrownBy(() -> KeyRange.of(new byte[] {2}, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tableNamesAreChecked() {
    assertThat(TableNames.check("acct_1.v-2")).isEqualTo("acct_1.v-2");
    assertThatThrownBy(() -> TableNames.check("a b")).hasMessageContaining("invalid table name");
    assertThatThrownBy(() -> TableNames.check(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
