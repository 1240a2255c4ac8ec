package io.quorumkv.storage.bitcask.keydir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the key directory costs per key: heap in use before and after one million 16-byte
 * keys. The bound asserted here is the one documented in {@code FORMAT.md}.
 */
class KeyDirMemoryTest {

  private static final Logger LOG = LoggerFactory.getLogger(KeyDirMemoryTest.class);
  private static final int KEYS = 1_000_000;

  @Test
  void aMillionSixteenByteKeysCostAboutOneHundredBytesEach() {
    long before = usedHeap();
    KeyDir dir = new KeyDir();
    dir.exclusive(
        () -> {
          for (int i = 0; i < KEYS; i++) {
            byte[] key = ByteBuffer.allocate(16).putLong(0x5eedL).putLong(i * 7919L).array();
            dir.put(key, new KeyDirEntry(i & 1023, i * 64, 141, i));
          }
        });
    long after = usedHeap();
    double perKey = (after - before) / (double) KEYS;
    LOG.warn("key directory: {} bytes per 16-byte key", String.format("%.1f", perKey));
    assertThat(dir.size()).isEqualTo(KEYS);
    // byte[16] 32 + entry 32 + skip-list node 24 + index nodes ~8 = ~96 with compressed oops.
    assertThat(perKey).isBetween(60.0, 130.0);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
