package io.quorumkv.storage;

import java.util.Arrays;

/**
 * A range of keys, {@code [start, end)} in unsigned lexicographic order; a {@code null} bound is
 * unbounded.
 *
 * @param start the first key included, or {@code null} for the smallest key
 * @param end the first key excluded, or {@code null} for no upper bound
 */
public record KeyRange(byte[] start, byte[] end) {

  private static final KeyRange ALL = new KeyRange(null, null);

  /** Checks that the range is not inverted. */
  public KeyRange {
    if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
      throw new IllegalArgumentException("range start is after its end");
    }
  }

  /** Every key. */
  public static KeyRange all() {
    return ALL;
  }

  /** Keys {@code >= start} and {@code < end}. */
  public static KeyRange of(byte[] start, byte[] end) {
    return new KeyRange(start, end);
  }

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix.length == 0 ? null : prefix, successor(prefix));
  }

  /** Whether {@code key} lies within this range. */
  public boolean contains(byte[] key) {
    return (start == null || Arrays.compareUnsigned(key, start) >= 0)
        && (end == null || Arrays.compareUnsigned(key, end) < 0);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}, or {@code null} if
   * there is none (the prefix is empty or all {@code 0xFF}).
   */
  static byte[] successor(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] next = Arrays.copyOf(prefix, i + 1);
        next[i]++;
        return next;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRange r && Arrays.equals(start, r.start) && Arrays.equals(end, r.end);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
  }

  @Override
  public String toString() {
    java.util.HexFormat hex = java.util.HexFormat.of();
    return "["
        + (start == null ? "-inf" : hex.formatHex(start))
        + ", "
        + (end == null ? "+inf" : hex.formatHex(end))
        + ")";
  }
}
