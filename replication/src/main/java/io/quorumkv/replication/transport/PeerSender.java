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

  /** Sends over {@code channel} (whose pipeline has a {@link MergingWriteHandler}). */
  public PeerSender(Channel channel, int maxQueued) {
    this.channel = channel;
    this.maxQueued = maxQueued;
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
    }
    if (wrote) {
      channel.flush();
    }
  }

  /** Messages dropped because of backpressure or a closed channel. */
  public long dropped() {
    return dropped.get();
  }
}
