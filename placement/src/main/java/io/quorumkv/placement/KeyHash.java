package io.quorumkv.placement;

import java.nio.ByteBuffer;

/**
 * The placement hash: MurmurHash3 x86_32 (Austin Appleby's public-domain design) of the encoded key
 * with seed 0, and the segment a key is in: the hash's low {@code k} bits for {@code 2^k} segments.
 * Nodes, the native client and the JDBC driver all place keys with this class, so its output is
 * part of the format (PLACEMENT.md): it must never change.
 *
 * <p>Taking the low bits makes doubling the segment count a split: a key of segment {@code s} among
 * {@code 2^k} is in {@code s} or {@code s + 2^k} among {@code 2^(k+1)}.
 */
public final class KeyHash {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private KeyHash() {}

  /** The placement hash of {@code key} (seed 0). */
  public static int hash32(byte[] key) {
    return hash32(key, 0);
  }

  /** MurmurHash3 x86_32 of {@code data} with {@code seed}; blocks are read little-endian. */
  public static int hash32(byte[] data, int seed) {
    return hash32(ByteBuffer.wrap(data), seed);
  }

  /**
   * MurmurHash3 x86_32 of the bytes from {@code data}'s position to its limit, with {@code seed}
   * (the buffer's position is not changed): hashes a key where it lies, without a copy.
   */
  public static int hash32(ByteBuffer data, int seed) {
    int start = data.position();
    int length = data.remaining();
    int h = seed;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int o = start + i * 4;
      int k =
          (data.get(o) & 0xff)
              | (data.get(o + 1) & 0xff) << 8
              | (data.get(o + 2) & 0xff) << 16
              | (data.get(o + 3) & 0xff) << 24;
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = start + blocks * 4;
    int rest = length & 3;
    if (rest > 0) {
      int k = 0;
      for (int i = rest - 1; i >= 0; i--) {
        k = k << 8 | (data.get(tail + i) & 0xff);
      }
      h ^= mixK(k);
    }
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }

  /**
   * The segment of {@code key} among {@code segmentCount} segments.
   *
   * @throws IllegalArgumentException unless {@code segmentCount} is a power of two
   */
  public static int segmentOf(byte[] key, int segmentCount) {
    return segmentOf(ByteBuffer.wrap(key), segmentCount);
  }

  /**
   * The segment of the key from {@code key}'s position to its limit (position unchanged).
   *
   * @throws IllegalArgumentException unless {@code segmentCount} is a power of two
   */
  public static int segmentOf(ByteBuffer key, int segmentCount) {
    checkSegmentCount(segmentCount);
    return hash32(key, 0) & (segmentCount - 1);
  }

  /** Rejects a segment count that is not a positive power of two (at most 2^20). */
  public static void checkSegmentCount(int segmentCount) {
    if (segmentCount < 1 || segmentCount > 1 << 20 || Integer.bitCount(segmentCount) != 1) {
      throw new IllegalArgumentException(
          "the segment count must be a power of two from 1 to 1048576, not " + segmentCount);
    }
  }
}
