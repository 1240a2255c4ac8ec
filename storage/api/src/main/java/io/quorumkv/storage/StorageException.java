package io.quorumkv.storage;

/** A storage operation failed. Unchecked, as are all storage failures. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public StorageException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
