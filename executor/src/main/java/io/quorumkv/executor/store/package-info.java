/**
 * The executor's port to the replicated store: what SQL execution needs of it (linearizable point
 * reads, scans, and per-key read-modify-write decided inside one consensus round), so the SQL layer
 * can be built and tested against an in-process store and run against the replication core through
 * an adapter.
 */
package io.quorumkv.executor.store;
