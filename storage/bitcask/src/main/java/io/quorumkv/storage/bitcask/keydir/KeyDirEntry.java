package io.quorumkv.storage.bitcask.keydir;

/**
 * Where the newest record of a key lives. Immutable and compact (an object header plus 20 bytes of
 * fields, 32 bytes with compressed oops) because there is one per live key. Compared by identity:
 * the merge's compare-and-set replaces an entry only if it is still the very object the merge read.
 */
public final class KeyDirEntry {
  private final int fileId;
  private final int offset;
  private final int size;
  private final long seq;

  /**
   * @param fileId the data file
   * @param offset the record's offset in it
   * @param size the record's whole size (header, key and value)
   * @param seq the record's sequence number
   */
  public KeyDirEntry(int fileId, int offset, int size, long seq) {
    this.fileId = fileId;
    this.offset = offset;
    this.size = size;
    this.seq = seq;
  }

  /** The data file. */
  public int fileId() {
    return fileId;
  }

  /** The record's offset in its data file. */
  public int offset() {
    return offset;
  }

  /** The record's whole size. */
  public int size() {
    return size;
  }

  /** The record's sequence number. */
  public long seq() {
    return seq;
  }

  @Override
  public String toString() {
    return "KeyDirEntry[file="
        + fileId
        + ", offset="
        + offset
        + ", size="
        + size
        + ", seq="
        + seq
        + "]";
  }
}
