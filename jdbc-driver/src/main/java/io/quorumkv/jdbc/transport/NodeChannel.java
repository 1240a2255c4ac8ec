package io.quorumkv.jdbc.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.quorumkv.sqlwire.Frames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection from this JVM to one node's SQL port, shared by every JDBC connection of the
 * JVM that is on that node ({@link SharedChannels}). Requests are multiplexed over it in {@link
 * Frames#MULTIPLEXED} frames: each carries a request id, the node answers in any order with the
 * same id, and an {@link Exchange} waits for its answer.
 *
 * <p>Sharing the connection is what lets many concurrent statements leave in one {@code write} and
 * their answers arrive in one {@code read} (the node and this side both consolidate flushes), where
 * a socket per JDBC connection paid a round trip of system calls per statement.
 *
 * <p>What reached the node is tracked per request, as failover needs it: an exchange is {@link
 * Exchange#written} once its whole frame was handed to the kernel. When the connection breaks, an
 * exchange that was not written fails with {@link NotSentException} (the node cannot have run it);
 * one that was fails with a plain {@link IOException} (it may have run). Thread-safe.
 */
final class NodeChannel {

  private static final Logger LOG = LoggerFactory.getLogger(NodeChannel.class);

  /** The request failed before its whole frame was handed to the kernel. */
  static final class NotSentException extends IOException {
    private static final long serialVersionUID = 1L;

    NotSentException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One request waiting for its answer; completes with the answer's payload. */
  static final class Exchange extends CompletableFuture<byte[]> {
    final int id;
    volatile boolean written;

    Exchange(int id) {
      this.id = id;
    }
  }

  private final InetSocketAddress node;
  private final Channel channel;
  private final Map<Integer, Exchange> pending = new ConcurrentHashMap<>();
  private int nextId;
  private volatile boolean closed;

  /** Guarded by {@link SharedChannels}: how many transports hold this channel. */
  int leases;

  NodeChannel(InetSocketAddress node, Channel channel) {
    this.node = node;
    this.channel = channel;
  }

  InetSocketAddress node() {
    return node;
  }

  /** Whether requests can still go out on it (the node has not closed it, nor this side). */
  boolean isOpen() {
    return !closed && channel.isActive();
  }

  /**
   * Sends one request payload; the exchange completes with the answer's payload, or fails as the
   * class comment says.
   */
  Exchange send(byte[] payload) {
    Exchange exchange;
    synchronized (this) {
      exchange = new Exchange(nextId++);
    }
    pending.put(exchange.id, exchange);
    if (closed) {
      fail(exchange, new IOException("the connection to " + node + " is closed"));
      return exchange;
    }
    ByteBuf frame = channel.alloc().buffer(Frames.MULTIPLEXED_HEADER_BYTES + payload.length);
    frame
        .writeInt(payload.length + 1 + Frames.REQUEST_ID_BYTES)
        .writeByte(Frames.MULTIPLEXED)
        .writeInt(exchange.id)
        .writeBytes(payload);
    // The listener goes on the promise before the write starts, so it runs on the event loop the
    // moment the frame is flushed, before any later channelInactive reads the flag. (Added after
    // writeAndFlush returned, it could be notified in a task queued behind channelInactive, and a
    // request the node received would wrongly count as not sent and be sent elsewhere.)
    ChannelPromise promise = channel.newPromise();
    promise.addListener(
        f -> {
          if (f.isSuccess()) {
            exchange.written = true;
          } else {
            fail(exchange, f.cause());
          }
        });
    channel.writeAndFlush(frame, promise);
    return exchange;
  }

  /** Stops waiting for {@code exchange} (its answer, if one comes, is dropped). */
  void forget(Exchange exchange) {
    pending.remove(exchange.id, exchange);
  }

  /** Closes the connection; exchanges still waiting fail. */
  void close() {
    closed = true;
    channel.close();
  }

  private void fail(Exchange exchange, Throwable cause) {
    if (pending.remove(exchange.id, exchange)) {
      exchange.completeExceptionally(
          exchange.written
              ? new IOException("the connection to " + node + " broke", cause)
              : new NotSentException("the request was not sent to " + node, cause));
    }
  }

  /** The inbound end of the pipeline: matches answers to exchanges, fails them when it closes. */
  final class Answers extends SimpleChannelInboundHandler<ByteBuf> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws IOException {
      if (frame.readableBytes() < 1 + Frames.REQUEST_ID_BYTES) {
        throw new IOException("short frame from " + node);
      }
      byte version = frame.readByte();
      if (version != Frames.MULTIPLEXED) {
        throw new IOException("unknown frame version " + version + " from " + node);
      }
      int id = frame.readInt();
      byte[] payload = new byte[frame.readableBytes()];
      frame.readBytes(payload);
      Exchange exchange = pending.remove(id);
      if (exchange != null) {
        exchange.complete(payload);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      closed = true;
      // Runs on the event loop after every write's outcome is known: the written flags are final.
      IOException cause = new IOException("the connection to " + node + " closed");
      for (Exchange e : pending.values()) {
        fail(e, cause);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("closing the connection to {}: {}", node, cause.toString());
      closed = true;
      ctx.close();
    }
  }
}
