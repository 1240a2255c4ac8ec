/**
 * Where keys live: the placement hash and segments ({@link io.quorumkv.placement.KeyHash}), the
 * cluster map of nodes and segment groups ({@link io.quorumkv.placement.ClusterMap}) with its
 * stored form ({@link io.quorumkv.placement.ClusterMapCodec}), and the balancer that chooses
 * segment moves ({@link io.quorumkv.placement.Balancer}). Pure and deterministic: no I/O, clocks or
 * threads.
 */
package io.quorumkv.placement;
