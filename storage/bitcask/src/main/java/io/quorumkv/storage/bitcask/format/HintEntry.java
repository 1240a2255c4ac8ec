package io.quorumkv.storage.bitcask.format;

/**
 * One record of a data file as its hint file describes it: enough to rebuild the key directory
 * without reading the value.
 *
 * @param tombstone whether the record deletes its key
 * @param seq the record's sequence number
 * @param offset where the record starts in its data file
 * @param size the record's whole size
 * @param key the key
 */
public record HintEntry(boolean tombstone, long seq, int offset, int size, byte[] key) {}
