package io.quorumkv.executor.store;

import java.util.Arrays;

/**
 * A key's current value and the version that chose it. Versions of one key grow by one with every
 * applied write and are what the pseudo-column {@code _version} shows.
 *
 * @param value the value bytes (owned by the receiver)
 * @param version the key's version, at least 1
 */
public record VersionedValue(byte[] value, long version) {

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionedValue v && version == v.version && Arrays.equals(value, v.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "VersionedValue[version=" + version + ", " + value.length + " bytes]";
  }
}
