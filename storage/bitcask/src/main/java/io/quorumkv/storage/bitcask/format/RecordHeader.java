package io.quorumkv.storage.bitcask.format;

/**
 * A decoded record header whose CRC checked out.
 *
 * @param flags {@link RecordCodec#TOMBSTONE} and {@link RecordCodec#BATCH_END} bits
 * @param seq the table's sequence number of the mutation
 * @param keyLength bytes of key
 * @param valueLength bytes of value
 * @param bodyCrc the CRC32C the key and value must have
 */
public record RecordHeader(byte flags, long seq, int keyLength, int valueLength, int bodyCrc) {

  /** Whether the record deletes its key. */
  public boolean tombstone() {
    return (flags & RecordCodec.TOMBSTONE) != 0;
  }

  /** Whether the record ends its batch. */
  public boolean batchEnd() {
    return (flags & RecordCodec.BATCH_END) != 0;
  }

  /** The whole record's size: header, key and value. */
  public int recordSize() {
    return RecordCodec.HEADER_SIZE + keyLength + valueLength;
  }
}
