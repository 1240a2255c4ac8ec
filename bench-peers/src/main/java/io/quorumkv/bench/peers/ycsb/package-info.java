/**
 * QuorumKV's binding for YCSB ({@code site.ycsb.DB}) over its JDBC driver, usable by YCSB's own
 * client ({@code -db io.quorumkv.bench.peers.ycsb.QuorumKvJdbcBinding}).
 */
package io.quorumkv.bench.peers.ycsb;
