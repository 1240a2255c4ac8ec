/**
 * The catalog kept in the replicated store under a reserved table id: table definitions, table id
 * allocation and hidden row id blocks, each changed by one linearizable read-modify-write.
 */
package io.quorumkv.executor.catalog;
