/**
 * The native asynchronous Java client: linearizable get, put, delete and compare-and-set (on value
 * or on version) against any node of a key's replica group, with exactly-once request ids, timeouts
 * and failover. Outcomes are values ({@link io.quorumkv.replication.paxos.CasResult}); "unknown" is
 * a value distinct from a failure, and a write is only ever retried with its original request id.
 */
package io.quorumkv.replication.client;
