package io.quorumkv.replication.paxos;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The value one Paxos instance decides: the complete new state of the key after one write, so that
 * a replica that learns only the latest chosen proposal knows everything (PaxosStore's
 * "PaxosLog-as-value").
 *
 * <p>A proposal is bound to one instance: it is computed from the value chosen at version {@code v}
 * and may only be chosen at version {@code v + 1}; its {@link #recent} window already contains its
 * own request with version {@code v + 1}.
 *
 * @param value the key's value after the write, or {@code null} when the write deleted it
 * @param requestId the write's request id
 * @param origin the node that created the proposal; it owns the fast ballot of the next instance
 * @param recent the exactly-once window: the latest applied request of each of the most recent
 *     clients, newest last (see {@link #lookup})
 */
public record Proposal(Bytes value, RequestId requestId, int origin, List<RecentWrite> recent) {

  /**
   * One applied write remembered for de-duplication.
   *
   * @param clientId the writing client
   * @param seq its request sequence number
   * @param version the version at which the write was chosen
   */
  public record RecentWrite(long clientId, long seq, long version) {}

  /** What the window says about a request. */
  public enum Dedup {
    /** The request was chosen (the version is in {@link #lookup}'s entry). */
    APPLIED,
    /** The client has a newer applied request: this one is stale and its outcome unknowable. */
    SUPERSEDED,
    /** The window has no record of this request having been applied. */
    NOT_SEEN
  }

  /** Validates and copies. */
  public Proposal {
    Objects.requireNonNull(requestId, "requestId");
    recent = RecentWindow.of(recent);
  }

  /**
   * The proposal for version {@code version} that writes {@code newValue} for {@code requestId},
   * derived from the previously chosen proposal {@code previous} (or {@code null} if the key has
   * never been written). The window keeps at most {@code windowSize} clients, evicting the client
   * whose last write is oldest.
   */
  public static Proposal next(
      Proposal previous,
      long version,
      Bytes newValue,
      RequestId requestId,
      int origin,
      int windowSize) {
    List<RecentWrite> window = new ArrayList<>(windowSize + 1);
    if (previous != null) {
      for (RecentWrite w : previous.recent) {
        if (w.clientId() != requestId.clientId()) {
          window.add(w);
        }
      }
    }
    window.add(new RecentWrite(requestId.clientId(), requestId.seq(), version));
    while (window.size() > windowSize) {
      window.remove(0);
    }
    return new Proposal(newValue, requestId, origin, window);
  }

  /** The window's entry for {@code requestId}'s client, if any. */
  public Optional<RecentWrite> entryFor(RequestId requestId) {
    for (RecentWrite w : recent) {
      if (w.clientId() == requestId.clientId()) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** Classifies {@code requestId} against the window. */
  public Dedup lookup(RequestId requestId) {
    Optional<RecentWrite> e = entryFor(requestId);
    if (e.isEmpty() || e.get().seq() < requestId.seq()) {
      return Dedup.NOT_SEEN;
    }
    return e.get().seq() == requestId.seq() ? Dedup.APPLIED : Dedup.SUPERSEDED;
  }
}
