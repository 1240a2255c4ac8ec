/**
 * End-to-end tests through the JDBC driver against node processes: a connection pool over the
 * driver, DDL, conditional writes, prepared batches and queries, and failover when a node dies.
 */
package io.quorumkv.tests.jdbc;
