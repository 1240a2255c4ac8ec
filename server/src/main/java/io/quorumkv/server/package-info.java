/** The node process: wires storage, replication and the SQL layer behind a network endpoint. */
package io.quorumkv.server;
