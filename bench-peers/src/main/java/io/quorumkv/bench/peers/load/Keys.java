package io.quorumkv.bench.peers.load;

/** The key names shared by every target, so all systems hold the same data. */
public final class Keys {
  private Keys() {}

  /** The name of key number {@code i}: fixed width, so every system stores the same bytes. */
  public static String key(long i) {
    return String.format("user%012d", i);
  }
}
