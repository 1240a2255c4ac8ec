/**
 * The JDBC-versus-native benchmark ({@code bin/quorumkv bench-jdbc}): point reads and read-then-CAS
 * through the JDBC driver against the node's SQL port, through the same {@code SqlEngine}
 * in-process, and through the native replication client against an in-JVM 3-node cluster, with
 * HdrHistogram latencies. See {@link io.quorumkv.bench.jdbc.JdbcBench}.
 */
package io.quorumkv.bench.jdbc;
