package io.quorumkv.jdbc.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.quorumkv.sqlwire.Frames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JVM's connections to nodes' SQL ports: at most one open {@link NodeChannel} per node address,
 * shared by every JDBC connection on that node and closed when the last one lets go. Their I/O runs
 * on one daemon event-loop thread of the driver, started on first use. Thread-safe.
 */
final class SharedChannels {

  /** Flushes merged into one system call at most, when requests arrive faster than they leave. */
  private static final int MAX_MERGED_FLUSHES = 256;

  private static final SharedChannels INSTANCE = new SharedChannels();

  private final Map<InetSocketAddress, NodeChannel> open = new HashMap<>();
  private final Map<InetSocketAddress, Object> connectLocks = new HashMap<>();
  private final Map<InetSocketAddress, Long> downSince = new ConcurrentHashMap<>();

  /**
   * How long a node whose connection failed or broke is left out of routing by key (it may still be
   * failed over to). After that, one statement routed to it tries to connect again.
   */
  private static final long DOWN_NANOS = 30_000_000_000L;

  private EventLoopGroup group;

  private SharedChannels() {}

  static SharedChannels instance() {
    return INSTANCE;
  }

  /**
   * A lease on the open channel to {@code node}, connecting when there is none (or it closed). Give
   * it back with {@link #release}.
   *
   * @throws IOException when the connection cannot be made within {@code connectTimeoutMillis}
   */
  NodeChannel acquire(InetSocketAddress node, int connectTimeoutMillis) throws IOException {
    Object lock;
    synchronized (this) {
      NodeChannel c = open.get(node);
      if (c != null && c.isOpen()) {
        c.leases++;
        return c;
      }
      lock = connectLocks.computeIfAbsent(node, n -> new Object());
    }
    // One connection attempt per node at a time; other nodes' attempts do not wait for it.
    synchronized (lock) {
      synchronized (this) {
        NodeChannel c = open.get(node);
        if (c != null && c.isOpen()) {
          c.leases++;
          return c;
        }
      }
      NodeChannel fresh = connect(node, connectTimeoutMillis);
      synchronized (this) {
        NodeChannel previous = open.put(node, fresh);
        if (previous != null && previous.leases == 0) {
          previous.close();
        }
        fresh.leases++;
        return fresh;
      }
    }
  }

  /** Notes that a connection to {@code node} failed or broke. */
  void markDown(InetSocketAddress node) {
    downSince.put(node, System.nanoTime());
  }

  /** Whether a connection to {@code node} failed in the last few seconds. */
  boolean recentlyDown(InetSocketAddress node) {
    Long since = downSince.get(node);
    if (since == null) {
      return false;
    }
    if (System.nanoTime() - since > DOWN_NANOS) {
      downSince.remove(node, since);
      return false;
    }
    return true;
  }

  /** The open channel to {@code node}, without a lease, or null. */
  synchronized NodeChannel openChannel(InetSocketAddress node) {
    NodeChannel c = open.get(node);
    return c != null && c.isOpen() ? c : null;
  }

  /** Gives back a lease; the last one closes the channel. */
  synchronized void release(NodeChannel channel) {
    if (--channel.leases == 0) {
      channel.close();
      open.remove(channel.node(), channel);
    }
  }

  private NodeChannel connect(InetSocketAddress node, int connectTimeoutMillis) throws IOException {
    InetSocketAddress target =
        node.isUnresolved() ? new InetSocketAddress(node.getHostString(), node.getPort()) : node;
    AtomicReference<NodeChannel> created = new AtomicReference<>();
    Bootstrap b =
        new Bootstrap()
            .group(group())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    NodeChannel c = new NodeChannel(node, ch);
                    created.set(c);
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(MAX_MERGED_FLUSHES, true))
                        .addLast(
                            new LengthFieldBasedFrameDecoder(
                                Frames.MAX_FRAME_BYTES,
                                0,
                                Frames.LENGTH_BYTES,
                                0,
                                Frames.LENGTH_BYTES))
                        .addLast(c.new Answers());
                  }
                });
    if (connectTimeoutMillis > 0) {
      b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
    }
    ChannelFuture f = b.connect(target).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot connect to " + node + ": " + cause, cause);
    }
    // initChannel ran on the event loop before the connect completed.
    return created.get();
  }

  private synchronized EventLoopGroup group() {
    if (group == null) {
      AtomicInteger n = new AtomicInteger();
      group =
          new MultiThreadIoEventLoopGroup(
              1,
              r -> {
                Thread t = new Thread(r, "quorumkv-jdbc-io-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              },
              NioIoHandler.newFactory());
    }
    return group;
  }
}
