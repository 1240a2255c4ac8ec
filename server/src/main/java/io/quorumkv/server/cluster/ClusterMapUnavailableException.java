package io.quorumkv.server.cluster;

/** The cluster map cannot be read or changed now (no quorum of the metadata group in time). */
public final class ClusterMapUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /** With a message saying what could not be done. */
  public ClusterMapUnavailableException(String message) {
    super(message);
  }
}
