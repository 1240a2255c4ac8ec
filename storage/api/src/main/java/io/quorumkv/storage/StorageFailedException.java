package io.quorumkv.storage;

/**
 * The engine hit an error it cannot safely continue from (for example a failed {@code fsync}, after
 * which the kernel may have dropped dirty pages) and refuses every further operation. Writes that
 * were in flight may or may not be on disk. Reopening the engine runs recovery.
 */
public class StorageFailedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** With a message and the original failure. */
  public StorageFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
