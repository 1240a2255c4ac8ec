package io.quorumkv.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The published MurmurHash3 x86_32 test vectors (SMHasher's verification set). */
  @Test
  void matchesTheReferenceVectors() {
    assertThat(KeyHash.hash32(new byte[0], 0)).isEqualTo(0);
    assertThat(KeyHash.hash32(new byte[0], 1)).isEqualTo(0x514E28B7);
    assertThat(KeyHash.hash32(new byte[0], 0xffffffff)).isEqualTo(0x81F16F39);
    assertThat(KeyHash.hash32(new byte[4], 0)).isEqualTo(0x2362F9DE);
    assertThat(KeyHash.hash32(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, 0))
        .isEqualTo(0x76293B50);
    assertThat(KeyHash.hash32(new byte[] {0x21, 0x43, 0x65, (byte) 0x87}, 0)).isEqualTo(0xF55B516B);
    assertThat(KeyHash.hash32(new byte[] {0x21, 0x43, 0x65}, 0)).isEqualTo(0x7E4A8634);
    assertThat(KeyHash.hash32(new byte[] {0x21, 0x43}, 0)).isEqualTo(0xA0F7B07A);
    assertThat(KeyHash.hash32(new byte[] {0x21}, 0)).isEqualTo(0x72661CF4);
    assertThat(KeyHash.hash32(ascii("aaaa"), 0x9747b28c)).isEqualTo(0x5A97808A);
    assertThat(KeyHash.hash32(ascii("Hello, world!"), 0x9747b28c)).isEqualTo(0x24884CBA);
    assertThat(KeyHash.hash32(ascii("The quick brown fox jumps over the lazy dog"), 0x9747b28c))
        .isEqualTo(0x2FA826CD);
  }

  @Test
  void aBufferHashesItsRemainingBytesAsTheArrayOfThem() {
    byte[] framed = {9, 9, 0x21, 0x43, 0x65, (byte) 0x87, 0x01, 9};
    ByteBuffer key = ByteBuffer.wrap(framed, 2, 5).asReadOnlyBuffer();
    byte[] alone = {0x21, 0x43, 0x65, (byte) 0x87, 0x01};
    assertThat(KeyHash.hash32(key, 0)).isEqualTo(KeyHash.hash32(alone, 0));
    assertThat(KeyHash.segmentOf(key, 64)).isEqualTo(KeyHash.segmentOf(alone, 64));
    assertThat(key.position()).isEqualTo(2);
  }

  @Test
  void theSegmentIsTheLowBitsOfTheHashWithSeedZero() {
    byte[] key = ascii("accounts/42");
    assertThat(KeyHash.hash32(key)).isEqualTo(KeyHash.hash32(key, 0));
    assertThat(KeyHash.segmentOf(key, 64)).isEqualTo(KeyHash.hash32(key) & 63);
    assertThat(KeyHash.segmentOf(key, 1)).isZero();
  }

  @Test
  void segmentCountsMustBePowersOfTwo() {
    for (int bad : new int[] {0, -4, 3, 48, 1 << 21}) {
      assertThatThrownBy(() -> KeyHash.segmentOf(new byte[1], bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("power of two");
    }
  }

  /** Doubling the count splits each segment in two: a key of s goes to s or s + 2^k. */
  @Property
  void doublingSplitsEverySegment(@ForAll byte[] key, @ForAll @IntRange(min = 0, max = 19) int k) {
    int before = KeyHash.segmentOf(key, 1 << k);
    int after = KeyHash.segmentOf(key, 1 << (k + 1));
    assertThat(after == before || after == before + (1 << k)).isTrue();
  }
}
