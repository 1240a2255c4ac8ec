package io.quorumkv.storage;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A key and its value, as returned by a {@link Scan}. The arrays belong to the receiver.
 *
 * @param key the key
 * @param value the value
 */
public record KeyValue(byte[] key, byte[] value) {

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "KeyValue[" + HexFormat.of().formatHex(key) + "]";
  }
}
