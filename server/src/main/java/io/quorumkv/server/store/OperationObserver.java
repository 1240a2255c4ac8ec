package io.quorumkv.server.store;

/**
 * Told of every operation {@link ReplicatedKeyValueStore} coordinates, with its latency and
 * outcome; the node's metrics implement it.
 *
 * <p>Called on the thread that completes the operation (usually the replica's event loop), once per
 * operation: implementations must be thread-safe, must not block and should not allocate.
 */
public interface OperationObserver {
  /** Observes nothing. */
  OperationObserver NONE = (type, outcome, nanos) -> {};

  /** What the store was asked to do. */
  enum Type {
    /** A linearizable read of one key. */
    GET,
    /** A read-modify-write (compare-and-set, put, delete) of one key. */
    UPDATE
  }

  /** How an operation ended. */
  enum Outcome {
    /** A read answered, or a write applied. */
    APPLIED,
    /** A write whose condition did not hold: nothing changed. */
    NOT_APPLIED,
    /** A write that may or may not have been applied (timeout, superseded, ...). */
    UNKNOWN,
    /** Failed without effect (no quorum, the caller's function threw, the node closed). */
    ERROR
  }

  /**
   * One operation ended.
   *
   * @param nanos how long it took, from submission to its outcome
   */
  void completed(Type type, Outcome outcome, long nanos);
}
