/**
 * The in-memory engine: sorted concurrent maps, no persistence. Used for tests, for the
 * deterministic simulator's replicas, and for tables whose data may be rebuilt from peers.
 */
package io.quorumkv.storage.memory;
