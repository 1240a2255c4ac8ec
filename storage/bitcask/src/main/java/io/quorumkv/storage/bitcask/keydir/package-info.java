/**
 * The in-memory key directory: a {@link java.util.concurrent.ConcurrentSkipListMap} from each live
 * key (unsigned byte order) to a compact, immutable {@link
 * io.quorumkv.storage.bitcask.keydir.KeyDirEntry} naming the data file, offset, size and sequence
 * number of the key's newest record. Sorted, so ordered scans cost no sort; read-write locked, so a
 * scan copies a consistent view while commit groups and merges update it atomically.
 */
package io.quorumkv.storage.bitcask.keydir;
