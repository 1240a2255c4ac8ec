package io.quorumkv.storage;

/** The engine or the table was closed (or the table dropped) before or during the operation. */
public class StorageClosedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** With a message. */
  public StorageClosedException(String message) {
    super(message);
  }
}
