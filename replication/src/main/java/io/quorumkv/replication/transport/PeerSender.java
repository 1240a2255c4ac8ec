package io.quorumkv.replication.transport;

import io.netty.channel.Channel;
import io.quorumkv.replication.paxos.PaxosMessage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends messages to one peer, merging them: {@link #send} only enqueues and schedules one drain
 * task on the channel's event loop; the drain writes everything queued by then and flushes once, so
 * {@link MergingWriteHandler} puts it all in one frame. Under load many messages share a frame and
 * a syscall; when idle a message leaves on the next event-loop turn (no timer).
 *
 * <p>Backpressure: while the channel is not writable (its outbound buffer is above the high-water
 * mark) or {@code maxQueued} messages wait, new messages are dropped and counted. The protocol
 * tolerates lost messages and retries; dropping keeps a slow peer from exhausting memory.
 * Thread-safe.
 */
public final class PeerSender {
  private final Channel channel;
  private final int maxQueued;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final boolean merging;
  private final TransportStats stats;

  /** Sends over {@code channel} (whose pipeline has a {@link MergingWriteHandler}). */
  public PeerSender(Channel channel, int maxQueued) {
    this(channel, maxQueued, true, null);
  }

  /**
   * Sends over {@code channel}. With {@code merging} off every message is flushed on its own (one
   * frame and one flush per message, for comparison; the channel's {@link MergingWriteHandler} must
   * then allow one message per frame). Flushes are counted in {@code stats} (may be null).
   */
  public PeerSender(Channel channel, int maxQueued, boolean merging, TransportStats stats) {
    this.channel = channel;
    this.maxQueued = maxQueued;
    this.merging = merging;
    this.stats = stats;
  }

  /** Queues {@code m} for the next merged frame. Returns false if it was dropped. */
  public boolean send(PaxosMessage m) {
    return enqueue(m);
  }

  /** Queues a node-level message for the next merged frame. Returns false if it was dropped. */
  public boolean send(NodeMessage m) {
    return enqueue(m);
  }

  /** The channel this sender writes to. */
  public Channel channel() {
    return channel;
  }

  private boolean enqueue(Object m) {
    if (!channel.isActive() || !channel.isWritable() || queued.get() >= maxQueued) {
      dropped.incrementAndGet();
      return false;
    }
    queue.add(m);
    queued.incrementAndGet();
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
    return true;
  }

  private void drain() {
    drainScheduled.set(false);
    Object m;
    boolean wrote = false;
    while ((m = queue.poll()) != null) {
      queued.decrementAndGet();
      channel.write(m, channel.voidPromise());
      wrote = true;
      if (!merging) {
        flush();
        wrote = false;
      }
    }
    if (wrote) {
      flush();
    }
  }

  private void flush() {
    channel.flush();
    if (stats != null) {
      stats.flushes.increment();
    }
  }

  /** Messages dropped because of backpressure or a closed channel. */
  public long dropped() {
    return dropped.get();
  }
}
