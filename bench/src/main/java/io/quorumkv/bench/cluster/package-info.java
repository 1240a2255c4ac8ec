/**
 * The replication benchmark: a 3-node QuorumKV cluster of separate JVMs on 127.0.0.2/.3/.4 ({@link
 * io.quorumkv.bench.cluster.NodeProcesses}, each node the server main with a generated config),
 * driven by {@link io.quorumkv.bench.cluster.ClusterBench} through the native client with a fixed
 * number of requests in flight, measuring throughput, latency (HdrHistogram), peer messages, frames
 * and bytes per operation (the nodes' counters) and the cluster's CPU time per operation ({@code
 * /proc/PID/stat}), with dynamic merging on and off.
 */
package io.quorumkv.bench.cluster;
