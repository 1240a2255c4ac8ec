package io.quorumkv.replication.paxos;

/**
 * Reads a key's durable state when the {@link Replica} first needs it (after a restart). The node
 * implements it over a storage table with {@link KeyStateCodec#decode}; a simulator over its
 * simulated disk. Called on the replica's thread; must return only durable state.
 */
@FunctionalInterface
public interface StateLoader {
  /** The durable state of {@code key}, or {@code null} if none. */
  KeyState load(Bytes key);
}
