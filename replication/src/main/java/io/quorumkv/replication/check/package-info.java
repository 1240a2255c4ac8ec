/**
 * A per-key linearizability checker for register histories (read, write, compare-and-set with
 * versions), in the style of Jepsen's Knossos and Porcupine: Wing–Gong search with Lowe's
 * memoization, each key checked independently. Used by the simulator and by real-process tests.
 */
package io.quorumkv.replication.check;
