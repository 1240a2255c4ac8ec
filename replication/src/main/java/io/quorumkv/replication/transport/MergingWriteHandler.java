package io.quorumkv.replication.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.quorumkv.replication.paxos.PaxosMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic merging: {@link PaxosMessage}s and {@link NodeMessage}s written to the channel are
 * buffered and leave as one {@link PaxosFrame} at the next flush. Callers flush once per event-loop
 * turn (see {@link PeerSender}), so under load one frame and one syscall carry many messages, and
 * when idle a message leaves on the same turn it was written (no timer, no added latency). At most
 * {@code maxMessagesPerFrame} messages go into one frame. One instance per channel; event-loop
 * only.
 */
public final class MergingWriteHandler extends ChannelDuplexHandler {
  private final int sender;
  private final int maxMessagesPerFrame;
  private final List<PaxosMessage> pending = new ArrayList<>();
  private final List<NodeMessage> pendingNode = new ArrayList<>();
  private final List<ChannelPromise> promises = new ArrayList<>();
  private long framesWritten;
  private long messagesWritten;

  /** Merges messages of node {@code sender}, at most {@code maxMessagesPerFrame} per frame. */
  public MergingWriteHandler(int sender, int maxMessagesPerFrame) {
    this.sender = sender;
    this.maxMessagesPerFrame = maxMessagesPerFrame;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof PaxosMessage m) {
      pending.add(m);
      promises.add(promise);
      if (pending.size() + pendingNode.size() >= maxMessagesPerFrame) {
        writePending(ctx);
      }
    } else if (msg instanceof NodeMessage m) {
      pendingNode.add(m);
      promises.add(promise);
      if (pending.size() + pendingNode.size() >= maxMessagesPerFrame) {
        writePending(ctx);
      }
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    writePending(ctx);
    ctx.flush();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (ChannelPromise p : promises) {
      p.tryFailure(new IllegalStateException("channel closed before flush"));
    }
    pending.clear();
    pendingNode.clear();
    promises.clear();
  }

  private void writePending(ChannelHandlerContext ctx) {
    if (pending.isEmpty() && pendingNode.isEmpty()) {
      return;
    }
    PaxosFrame frame = new PaxosFrame(sender, pending, pendingNode);
    List<ChannelPromise> waiting = List.copyOf(promises);
    pending.clear();
    pendingNode.clear();
    promises.clear();
    framesWritten++;
    messagesWritten += frame.size();
    ChannelFuture f = ctx.write(frame);
    f.addListener(
        done -> {
          for (ChannelPromise p : waiting) {
            if (done.isSuccess()) {
              p.trySuccess();
            } else {
              p.tryFailure(done.cause());
            }
          }
        });
  }

  /** Frames written so far. */
  public long framesWritten() {
    return framesWritten;
  }

  /** Messages written so far. */
  public long messagesWritten() {
    return messagesWritten;
  }
}
