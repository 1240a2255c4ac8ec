package io.quorumkv.replication.paxos;

/** What a client asks of one key. Values are {@code null} for "absent". */
public sealed interface Operation {

  /** Whether this operation may change the key (and so needs a request id). */
  default boolean isWrite() {
    return !(this instanceof Read);
  }

  /** A linearizable read. */
  record Read() implements Operation {}

  /** Sets the value. */
  record Put(Bytes value) implements Operation {
    /** Rejects a null value; use {@link Delete}. */
    public Put {
      java.util.Objects.requireNonNull(value, "value");
    }
  }

  /** Removes the value. */
  record Delete() implements Operation {}

  /**
   * Sets {@code newValue} if the current value equals {@code expected}.
   *
   * @param expected the required current value, {@code null} for "absent"
   * @param newValue the value to set, {@code null} to delete
   */
  record Cas(Bytes expected, Bytes newValue) implements Operation {}
}
