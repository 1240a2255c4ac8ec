package io.quorumkv.replication.node;

/** A node could not start: a port is in use, the data directory is unusable, and so on. */
public class NodeStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message naming what failed and how to fix it. */
  public NodeStartException(String message, Throwable cause) {
    super(message, cause);
  }

  /** With a message naming what failed and how to fix it. */
  public NodeStartException(String message) {
    super(message);
  }
}
