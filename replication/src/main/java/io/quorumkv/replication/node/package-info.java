/**
 * The node runtime: drives one {@link io.quorumkv.replication.paxos.Replica} on its own thread,
 * loads and persists per-key state through a storage {@link io.quorumkv.storage.Table} (releasing
 * messages and replies only once the writes they depend on are fsynced, with group commit batching
 * many inputs into one fsync), drives the replica's timer from a real clock, and connects it to its
 * peers and clients over Netty.
 */
package io.quorumkv.replication.node;
