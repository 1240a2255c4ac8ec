/**
 * Deterministic simulation of a replica group in one thread: simulated network (loss, duplication,
 * reordering, delay, partitions), simulated disks that lose unsynced writes on crash, a simulated
 * clock, and Jepsen-style clients whose history is checked for linearizability. A seed replays a
 * run exactly.
 */
package io.quorumkv.replication.sim;
