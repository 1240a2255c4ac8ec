/**
 * Runs SQL statements against a {@link io.quorumkv.executor.store.KeyValueStore}: {@link
 * io.quorumkv.executor.SqlEngine} (one per node) opens {@link io.quorumkv.executor.SqlSession}s
 * (one per connection) that prepare and execute statements, returning a {@link
 * io.quorumkv.executor.StatementResult} or throwing {@link io.quorumkv.planner.QueryException} with
 * a SQLState.
 */
package io.quorumkv.executor;
