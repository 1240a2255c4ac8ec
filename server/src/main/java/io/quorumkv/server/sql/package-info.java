/**
 * The node's SQL endpoint: Apache Calcite Avatica's server side ({@link
 * org.apache.calcite.avatica.remote.LocalService} over {@link io.quorumkv.server.sql.QuorumMeta},
 * which maps JDBC connections to executor sessions) behind a Netty TCP port that speaks
 * length-prefixed frames of Avatica protobuf messages ({@link io.quorumkv.server.sql.SqlServer}).
 * The JDBC driver (module jdbc-driver) is the client; the frame format is described in
 * jdbc-driver/README.md.
 */
package io.quorumkv.server.sql;
