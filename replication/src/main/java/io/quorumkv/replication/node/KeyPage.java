package io.quorumkv.replication.node;

import io.quorumkv.replication.paxos.Bytes;
import java.util.List;

/**
 * One page of a quorum key listing: the union of the keys a quorum of replicas hold in a range,
 * complete up to its last key. Some of the keys may turn out absent when read (deleted, or a write
 * that was never chosen); a key present at the time of the listing is never missing.
 *
 * @param keys the keys, ascending
 * @param resumeAfter if not {@code null}, the listing is complete only up to this key (inclusive);
 *     continue strictly after it. {@code null} when the range is exhausted.
 */
public record KeyPage(List<Bytes> keys, Bytes resumeAfter) {
  /** Copies the list. */
  public KeyPage {
    keys = List.copyOf(keys);
  }
}
