/**
 * Merge (compaction) policy and results: {@link io.quorumkv.storage.bitcask.merge.MergePolicy}
 * decides from dead-byte counts when a background merge pays off, and {@link
 * io.quorumkv.storage.bitcask.merge.MergeStats} reports what a merge did. The merge itself lives in
 * the table, next to the key directory and file set it rewrites; its crash-safety argument is in
 * {@code FORMAT.md}.
 */
package io.quorumkv.storage.bitcask.merge;
