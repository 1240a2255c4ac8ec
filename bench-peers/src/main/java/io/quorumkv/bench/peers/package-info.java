/**
 * QuorumKV against the systems users would pick instead (etcd, PostgreSQL), measured on the same
 * machine in one run with one load generator.
 */
package io.quorumkv.bench.peers;
