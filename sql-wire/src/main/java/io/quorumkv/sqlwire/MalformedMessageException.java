package io.quorumkv.sqlwire;

import java.io.IOException;

/** A compact message that does not decode: truncated, of an unknown kind or with bad values. */
public final class MalformedMessageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a message naming what is wrong and where. */
  public MalformedMessageException(String message) {
    super(message);
  }
}
