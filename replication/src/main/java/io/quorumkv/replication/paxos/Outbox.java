package io.quorumkv.replication.paxos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out the ordering rule of {@link Effects} for one replica: which messages and replies may
 * leave now, which writes go to storage together, and which messages and replies wait for which
 * write. The node runtime and the simulator both drive their replica's effects through it, so the
 * persist-before-release bookkeeping is one piece of code, tested once (as etcd-io/raft keeps it in
 * {@code Ready}/{@code Advance} inside the library).
 *
 * <p>The cycle: every {@link Effects} goes to {@link #add}, whose result may be released at once
 * (effects without a synced write vouch for nothing a crash could lose). Whenever the caller is
 * ready to write, {@link #cut} merges every write added since the last cut into one {@link Batch}
 * (the last record per key; one synced write makes the batch synced) and holds the messages and
 * replies of the synced effects behind it. The caller writes the batch and, once the storage says
 * it is durable, calls {@link #durable}, which returns everything that may now leave, in the order
 * the effects were added. A lazy batch (nothing synced) holds nothing.
 *
 * <p>Requirement on the caller: batches become durable in the order they were cut (a storage table
 * completes writes in submission order), so "batch {@code id} is durable" implies every earlier
 * batch is. After a crash or a failed write, {@link #clear} drops everything held: those messages
 * and replies are lost, which the protocol tolerates.
 *
 * <p>Pure and not thread-safe: use it from the replica's thread.
 */
public final class Outbox {

  /**
   * Messages and replies to release now, in order.
   *
   * @param messages messages to send
   * @param replies client replies to deliver
   */
  public record Release(List<Effects.Envelope> messages, List<Effects.ClientReply> replies) {
    /** Nothing to release. */
    public static final Release NONE = new Release(List.of(), List.of());

    /** Whether there is nothing to release. */
    public boolean isEmpty() {
      return messages.isEmpty() && replies.isEmpty();
    }
  }

  /**
   * Key records to write together.
   *
   * @param id the batch's number, increasing from 1 within one {@code Outbox}
   * @param records the last record of each key written since the previous batch, in write order (a
   *     key's later record moves it to the end)
   * @param sync whether the batch must be durable (fsync) before {@link #durable} is called; a lazy
   *     batch is written in order with the others without an fsync of its own
   */
  public record Batch(long id, Map<Bytes, KeyState> records, boolean sync) {}

  private final LinkedHashMap<Bytes, KeyState> pending = new LinkedHashMap<>();
  private boolean pendingSync;
  private final List<Effects.Envelope> pendingMessages = new ArrayList<>();
  private final List<Effects.ClientReply> pendingReplies = new ArrayList<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long nextBatch = 1;

  private record Held(long batch, Release release) {}

  /**
   * Takes the effects of one input. Returns what may leave at once: everything of an {@code
   * Effects} without a synced write, nothing of one with a synced write (held until {@link
   * #durable} of the batch its writes are cut into). Writes wait for the next {@link #cut}.
   */
  public Release add(Effects e) {
    if (e.isEmpty()) {
      return Release.NONE;
    }
    for (Effects.Persist p : e.writes()) {
      // Later records of a key supersede earlier ones: keep only the last, at the end.
      pending.remove(p.key());
      pending.put(p.key(), p.state());
      pendingSync |= p.sync();
    }
    if (!e.needsSync()) {
      return e.messages().isEmpty() && e.replies().isEmpty()
          ? Release.NONE
          : new Release(e.messages(), e.replies());
    }
    pendingMessages.addAll(e.messages());
    pendingReplies.addAll(e.replies());
    return Release.NONE;
  }

  /** Whether writes were added since the last {@link #cut}. */
  public boolean hasPendingWrites() {
    return !pending.isEmpty();
  }

  /**
   * Merges the writes added since the last cut into one batch, and holds the messages and replies
   * of the synced effects among them until it is durable. Returns {@code null} if nothing was
   * written since the last cut.
   */
  public Batch cut() {
    if (pending.isEmpty()) {
      return null;
    }
    Batch b =
        new Batch(
            nextBatch++, Collections.unmodifiableMap(new LinkedHashMap<>(pending)), pendingSync);
    if (!pendingMessages.isEmpty() || !pendingReplies.isEmpty()) {
      held.add(
          new Held(b.id(), new Release(List.copyOf(pendingMessages), List.copyOf(pendingReplies))));
    }
    pending.clear();
    pendingSync = false;
    pendingMessages.clear();
    pendingReplies.clear();
    return b;
  }

  /**
   * Batch {@code batchId} and every batch cut before it are durable. Returns the messages and
   * replies that may now leave, in the order their effects were added.
   */
  public Release durable(long batchId) {
    if (held.isEmpty() || held.peek().batch() > batchId) {
      return Release.NONE;
    }
    List<Effects.Envelope> messages = new ArrayList<>();
    List<Effects.ClientReply> replies = new ArrayList<>();
    while (!held.isEmpty() && held.peek().batch() <= batchId) {
      Release r = held.poll().release();
      messages.addAll(r.messages());
      replies.addAll(r.replies());
    }
    return new Release(messages, replies);
  }

  /** Whether messages or replies are waiting for a batch to become durable. */
  public boolean isHolding() {
    return !held.isEmpty() || !pendingMessages.isEmpty() || !pendingReplies.isEmpty();
  }

  /** Drops every pending write and everything held (a crash, a failed write, shutdown). */
  public void clear() {
    pending.clear();
    pendingSync = false;
    pendingMessages.clear();
    pendingReplies.clear();
    held.clear();
  }
}
