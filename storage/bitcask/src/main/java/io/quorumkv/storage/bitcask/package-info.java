/**
 * The Bitcask storage engine, written after Sheehy &amp; Smith (Basho, 2010): {@link
 * io.quorumkv.storage.bitcask.BitcaskEngine} keeps each table as append-only data files plus an
 * in-memory sorted key directory; group commit, rollover, hint files, merge and crash recovery live
 * here, the byte formats in {@code format}, the key directory in {@code keydir}, merge policy in
 * {@code merge} and all file access behind the interface in {@code io}.
 */
package io.quorumkv.storage.bitcask;
