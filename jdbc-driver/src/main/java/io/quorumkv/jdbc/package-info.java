/**
 * The QuorumKV JDBC driver ({@link io.quorumkv.jdbc.QuorumDriver}, URL {@code
 * jdbc:quorumkv://host1:port1,host2:port2[/schema][?options]}): Apache Calcite Avatica's remote
 * driver with QuorumKV's frame transport, autocommit-only connections, the {@code applied} outcome
 * of conditional statements as update count, and database metadata for tools.
 */
package io.quorumkv.jdbc;
