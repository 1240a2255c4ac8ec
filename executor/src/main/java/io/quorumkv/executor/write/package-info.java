/**
 * Write statements as per-key operations: INSERT (if absent), UPSERT, UPDATE and DELETE compiled
 * into plans whose every row is one read-modify-write on that row's key, with the statement's
 * condition checked inside the round.
 */
package io.quorumkv.executor.write;
