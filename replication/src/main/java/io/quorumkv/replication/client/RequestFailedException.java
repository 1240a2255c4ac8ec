package io.quorumkv.replication.client;

/**
 * A request certainly had no effect: no node could be reached, or every node that was asked
 * answered that it did not apply it. Retrying it as a new request is safe. (A request that may have
 * taken effect is never reported with this exception but as {@link
 * io.quorumkv.replication.paxos.CasResult.Unknown}.)
 */
public class RequestFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message saying why. */
  public RequestFailedException(String message) {
    super(message);
  }
}
