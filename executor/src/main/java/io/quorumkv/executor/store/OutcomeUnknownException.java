package io.quorumkv.executor.store;

/**
 * A write timed out or lost its connection after it may have been proposed: it may or may not take
 * effect. Retrying it with the same request id is safe (the store deduplicates); retrying it as a
 * new request is not.
 */
public class OutcomeUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message and the cause. */
  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
