/**
 * The LSM engine: one RocksDB database per engine directory, one column family per table, one
 * RocksDB {@code WriteBatch} per group commit, and scans over an iterator pinned to a RocksDB
 * snapshot. Every native handle is owned by the engine and closed with it; a lifecycle lock makes
 * sure no thread touches a handle after it was freed. Options and their reasons are in the module's
 * {@code README.md}.
 */
package io.quorumkv.storage.rocksdb;
