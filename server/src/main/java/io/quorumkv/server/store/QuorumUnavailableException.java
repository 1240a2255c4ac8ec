package io.quorumkv.server.store;

/**
 * A request certainly did not take effect because the node could not complete it (no quorum
 * answered in time, the node is closed or failed). Retrying is safe.
 */
public class QuorumUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message saying why. */
  public QuorumUnavailableException(String message) {
    super(message);
  }

  /** With a message saying why and the cause. */
  public QuorumUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
