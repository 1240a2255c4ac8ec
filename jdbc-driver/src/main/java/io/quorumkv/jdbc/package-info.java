/** The JDBC driver for QuorumKV (issue 5; to be filled). */
package io.quorumkv.jdbc;
