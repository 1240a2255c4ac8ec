package io.quorumkv.replication.paxos;

import java.util.ArrayList;
import java.util.List;

/**
 * What the caller must do after one input to a {@link Replica}.
 *
 * <p><b>Ordering rule.</b> If any write in {@link #writes} is {@link Persist#sync}, the caller must
 * make every write in {@link #writes} durable (fsync), and every write of every earlier {@code
 * Effects} of this replica durable, <em>before</em> releasing any of {@link #messages} or {@link
 * #replies}: messages and replies may depend on state that is only in memory until then (a promise
 * or an accept, which every {@code Promise} and {@code Accepted} comes with, even a repeated one).
 * Such effects are released in the order they were returned. If no write is synced, the messages
 * and replies vouch for nothing a crash could lose (chosen values, read reports, rejections; see
 * PAXOS.md, "What leaves without an fsync") and may be released at once, even ahead of earlier
 * effects still waiting for their fsync; their writes (if any) only record a learned chosen value
 * and must be written in order with all other writes, without an fsync of their own. Writes of one
 * {@code Effects} may be made durable together (one batch, one fsync); each is a whole key record,
 * so later writes of the same key supersede earlier ones (which is why one synced write makes the
 * whole batch synced: its record may be superseded by a lazy one of the same key in the same
 * batch). If the process crashes before the writes are durable, the writes and the held messages
 * and replies are all dropped, which the protocol tolerates as lost messages. The caller may feed
 * further inputs while writes are pending.
 *
 * <p><b>Wake-ups.</b> {@link #nextWakeupMillis} is the earliest time something this input started
 * or rescheduled needs a {@link Replica#tick}; what earlier inputs asked for still stands. The
 * caller keeps one timer at the earliest time asked for since the last tick and, when it fires,
 * forgets the rest: the Effects of a tick report the earliest need of every request.
 *
 * @param writes key records to persist, in order
 * @param messages messages to send once the writes are durable
 * @param replies client replies to deliver once the writes are durable
 * @param nextWakeupMillis when the replica next needs {@link Replica#tick} for what this input
 *     started (see "Wake-ups"), or {@link Long#MAX_VALUE}
 */
public record Effects(
    List<Persist> writes,
    List<Envelope> messages,
    List<ClientReply> replies,
    long nextWakeupMillis) {

  /** Nothing to do. */
  public static final Effects NONE = new Effects(List.of(), List.of(), List.of(), Long.MAX_VALUE);

  /** Copies the lists. */
  public Effects {
    writes = List.copyOf(writes);
    messages = List.copyOf(messages);
    replies = List.copyOf(replies);
  }

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return writes.isEmpty() && messages.isEmpty() && replies.isEmpty();
  }

  /** Whether any write must be durable before this input's messages and replies leave. */
  public boolean needsSync() {
    for (Persist p : writes) {
      if (p.sync()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Persist the whole state of {@code key}; {@link KeyStateCodec#encode} gives its bytes.
   *
   * @param key the key
   * @param state its new state
   * @param sync whether it must be durable before the messages and replies of its {@code Effects}
   *     leave (acceptor promises and accepts); {@code false} for a write that only records a
   *     learned chosen value, which may be lost in a crash (see PAXOS.md, "Lazy learning")
   */
  public record Persist(Bytes key, KeyState state, boolean sync) {
    /** A write that must be durable before its effects are released. */
    public Persist(Bytes key, KeyState state) {
      this(key, state, true);
    }
  }

  /**
   * Send {@code message} to node {@code to}.
   *
   * @param to the destination node
   * @param message the message
   */
  public record Envelope(int to, PaxosMessage message) {}

  /**
   * Deliver {@code outcome} to the client request {@code opId}.
   *
   * @param opId the request's correlation id
   * @param outcome the answer
   */
  public record ClientReply(long opId, Outcome outcome) {}

  /** Accumulates effects during one input. Not thread-safe. */
  static final class Builder {
    final List<Persist> writes = new ArrayList<>();
    final List<Envelope> messages = new ArrayList<>();
    final List<ClientReply> replies = new ArrayList<>();

    Effects build(long nextWakeup) {
      if (writes.isEmpty() && messages.isEmpty() && replies.isEmpty()) {
        return nextWakeup == Long.MAX_VALUE
            ? NONE
            : new Effects(List.of(), List.of(), List.of(), nextWakeup);
      }
      return new Effects(writes, messages, replies, nextWakeup);
    }
  }
}
