package io.quorumkv.storage;

/** How durable a write must be before its future completes. */
public enum Durability {
  /**
   * Handed to the operating system: survives a crash of the process ({@code kill -9}) but may be
   * lost on power loss or a kernel crash.
   */
  BUFFERED,
  /**
   * Forced to stable storage ({@code fsync}): survives power loss. Concurrent synced writes share
   * one fsync (group commit).
   */
  SYNC
}
