package io.quorumkv.storage;

/**
 * Stored data failed a checksum or a structural check. Names the file and offset so an operator can
 * find it. Nothing is silently dropped: the engine refuses to open, or the read fails.
 */
public class CorruptionException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  /**
   * @param file the file that holds the damaged data
   * @param offset the byte offset of the damaged record within the file
   * @param detail what was wrong
   */
  public CorruptionException(String file, long offset, String detail) {
    super("corruption in " + file + " at offset " + offset + ": " + detail);
    this.file = file;
    this.offset = offset;
  }

  /** The damaged file. */
  public String file() {
    return file;
  }

  /** The offset of the damaged record. */
  public long offset() {
    return offset;
  }
}
