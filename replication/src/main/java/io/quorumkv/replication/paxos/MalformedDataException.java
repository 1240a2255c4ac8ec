package io.quorumkv.replication.paxos;

/** Bytes that do not decode: truncated, out of range, or of an unknown format version. */
public final class MalformedDataException extends RuntimeException {
  /** With a message saying what and where. */
  public MalformedDataException(String message) {
    super(message);
  }
}
