/**
 * The SQL port's wire format, shared by the JDBC driver and the node: the framing ({@link
 * io.quorumkv.sqlwire.Frames}) and the compact encoding of prepared-statement executions and their
 * results ({@link io.quorumkv.sqlwire.CompactExecute}). Everything else on the port is Avatica's
 * protobuf. Depends on nothing of QuorumKV's.
 */
package io.quorumkv.sqlwire;
