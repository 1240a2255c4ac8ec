package io.quorumkv.replication.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.transport.FrameDecoder;
import io.quorumkv.replication.transport.FrameEncoder;
import io.quorumkv.replication.transport.MergingWriteHandler;
import io.quorumkv.replication.transport.NodeMessage;
import io.quorumkv.replication.transport.PaxosFrame;
import io.quorumkv.replication.transport.PeerSender;
import io.quorumkv.replication.transport.ProtocolErrorHandler;
import io.quorumkv.replication.transport.TransportStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections between this node and its peers: exactly one TCP connection per peer pair, dialed
 * by the node with the smaller id and used in both directions.
 *
 * <p>Outgoing connections are bound to this node's own address ({@link NodeConfig#host}), so rules
 * between node addresses (iptables on 127.0.0.x) match every packet. A dialer's first frame is an
 * empty hello naming itself; the accepting side checks that the sender is a configured peer that
 * dials it, and that the connection comes from that peer's configured address. A lost connection is
 * re-dialed with exponential backoff (50 ms to 2 s, jittered). A malformed or oversized frame
 * closes only that connection (see {@link ProtocolErrorHandler}).
 *
 * <p>The peers are those of the node's configuration plus those added later ({@link #addPeer}: a
 * node that joined the cluster map, or moved).
 *
 * <p>Messages go through {@link PeerSender} (dynamic merging, drop on backpressure); a message to a
 * peer without a live connection is dropped, which the protocol tolerates. Thread-safe.
 */
final class PeerNetwork implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerNetwork.class);
  private static final long BACKOFF_MIN_MILLIS = 50;
  private static final long BACKOFF_MAX_MILLIS = 2000;
  private static final int MAX_QUEUED_PER_PEER = 100_000;
  private static final int MAX_MESSAGES_PER_FRAME = 4096;

  /** Receives decoded frames, on an IO thread. */
  interface Sink {
    /** A frame from peer {@code from}. */
    void onFrame(int from, PaxosFrame frame);
  }

  private final NodeConfig config;
  private final EventLoopGroup io;
  private final Sink sink;
  private final Map<Integer, InetSocketAddress> peers;
  private final Map<Integer, PeerSender> senders = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> failedDials = new ConcurrentHashMap<>();
  private final Random jitter;
  private final AtomicLong dropped = new AtomicLong();
  private final TransportStats stats = new TransportStats();
  private volatile boolean closed;
  private Channel server;

  PeerNetwork(NodeConfig config, EventLoopGroup io, Sink sink) {
    this.config = config;
    this.io = io;
    this.sink = sink;
    this.peers = new ConcurrentHashMap<>(config.peers());
    peers.remove(config.nodeId());
    this.jitter = new Random(config.seed() ^ 0x7eed);
  }

  /**
   * Listens on the peer port and dials every peer with a larger id.
   *
   * @throws NodeStartException if the port cannot be bound
   */
  void start() {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(initializer(-1));
    server = bind(b, config.host(), config.peerPort(), "peer");
    for (int peer : peers.keySet()) {
      if (peer > config.nodeId()) {
        dial(peer);
      }
    }
  }

  /**
   * Adds (or readdresses) peer {@code id} at {@code address}; dials it if this node is the one to
   * dial.
   */
  void addPeer(int id, InetSocketAddress address) {
    if (id == config.nodeId()) {
      return;
    }
    InetSocketAddress old = peers.put(id, address);
    if (address.equals(old)) {
      return;
    }
    LOG.info("node {}: peer {} at {}", config.nodeId(), id, address);
    PeerSender s = senders.get(id);
    if (old != null && s != null) {
      s.channel().close(); // the old address: reconnect to the new one (redial is scheduled)
    } else if (old == null && id > config.nodeId() && server != null) {
      dial(id);
    }
  }

  /** The ids of the current peers. */
  Set<Integer> peerIds() {
    return peers.keySet();
  }

  /** The bound peer address (useful with port 0). */
  InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  static Channel bind(ServerBootstrap b, String host, int port, String what) {
    ChannelFuture f = b.bind(host, port).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new NodeStartException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + what
              + " port): "
              + f.cause().getMessage(),
          f.cause());
    }
    return f.channel();
  }

  private ChannelInitializer<SocketChannel> initializer(int dialedPeer) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline()
            .addLast(new FrameEncoder(stats))
            .addLast(
                new MergingWriteHandler(
                    config.nodeId(), config.merging() ? MAX_MESSAGES_PER_FRAME : 1))
            .addLast(new FrameDecoder(config.maxFrameBytes(), stats))
            .addLast(new PeerHandler(dialedPeer))
            .addLast(new ProtocolErrorHandler());
      }
    };
  }

  private void dial(int peer) {
    InetSocketAddress remote = peers.get(peer);
    if (closed || remote == null) {
      return; // closing
    }
    Bootstrap b =
        new Bootstrap()
            .group(io)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
            .handler(initializer(peer));
    // Bind the outgoing side to our own address: rules between node addresses must match it.
    b.connect(remote, new InetSocketAddress(config.host(), 0))
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                int n = failedDials.merge(peer, 1, Integer::sum);
                if (n == 1 || n % 50 == 0) {
                  LOG.info(
                      "node {}: cannot reach peer {} at {} ({} attempts): {}",
                      config.nodeId(),
                      peer,
                      remote,
                      n,
                      f.cause().getMessage());
                }
                redialLater(peer, n);
                return;
              }
              failedDials.remove(peer);
              Channel ch = f.channel();
              ch.writeAndFlush(new PaxosFrame(config.nodeId(), List.of()));
              register(peer, ch);
              ch.closeFuture().addListener(c -> redialLater(peer, 1));
            });
  }

  private void redialLater(int peer, int attempt) {
    if (closed) {
      return;
    }
    long bound = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_MIN_MILLIS << Math.min(attempt, 10));
    long delay = bound / 2 + (long) (jitter.nextDouble() * (bound / 2));
    try {
      io.schedule(() -> dial(peer), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the IO group is shutting down: nothing to redial
    }
  }

  private void register(int peer, Channel ch) {
    PeerSender s = new PeerSender(ch, MAX_QUEUED_PER_PEER, config.merging(), stats);
    PeerSender old = senders.put(peer, s);
    if (old != null && old.channel() != ch) {
      old.channel().close(); // the peer re-dialed (it restarted): the old connection is dead
    }
    ch.closeFuture().addListener(f -> senders.remove(peer, s));
    LOG.debug("node {}: connected to peer {} via {}", config.nodeId(), peer, ch);
  }

  /** Sends {@code m} to {@code peer}; dropped if there is no connection. */
  void send(int peer, PaxosMessage m) {
    PeerSender s = senders.get(peer);
    if (s == null || !s.send(m)) {
      dropped.incrementAndGet();
    }
  }

  /** Sends a node-level message to {@code peer}; dropped if there is no connection. */
  void send(int peer, NodeMessage m) {
    PeerSender s = senders.get(peer);
    if (s == null || !s.send(m)) {
      dropped.incrementAndGet();
    }
  }

  /** The peer traffic counters. */
  TransportStats stats() {
    return stats;
  }

  /** Whether a connection to {@code peer} is up. */
  boolean connected(int peer) {
    PeerSender s = senders.get(peer);
    return s != null && s.channel().isActive();
  }

  /** Messages dropped for lack of a connection or by backpressure. */
  long dropped() {
    long n = dropped.get();
    for (PeerSender s : senders.values()) {
      n += s.dropped();
    }
    return n;
  }

  @Override
  public void close() {
    closed = true;
    if (server != null) {
      server.close().awaitUninterruptibly();
    }
    for (PeerSender s : senders.values()) {
      s.channel().close().awaitUninterruptibly();
    }
    senders.clear();
  }

  /** Checks the hello of accepted connections and hands frames to the sink. */
  private final class PeerHandler extends SimpleChannelInboundHandler<PaxosFrame> {
    private int peer;

    PeerHandler(int dialedPeer) {
      this.peer = dialedPeer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PaxosFrame frame) {
      if (peer < 0) {
        String why = checkHello(ctx.channel(), frame.sender());
        if (why != null) {
          LOG.warn("node {}: refusing connection from {}: {}", config.nodeId(), ctx.channel(), why);
          ctx.close();
          return;
        }
        peer = frame.sender();
        register(peer, ctx.channel());
      } else if (frame.sender() != peer) {
        LOG.warn(
            "node {}: closing {}: frame from node {} on the connection of node {}",
            config.nodeId(),
            ctx.channel(),
            frame.sender(),
            peer);
        ctx.close();
        return;
      }
      if (frame.size() > 0) {
        sink.onFrame(peer, frame);
      }
    }

    private String checkHello(Channel ch, int sender) {
      InetSocketAddress expected = peers.get(sender);
      if (expected == null) {
        return "node " + sender + " is neither a configured peer nor in the cluster map";
      }
      if (sender >= config.nodeId()) {
        return "node " + sender + " should be dialed by this node, not dial it";
      }
      InetAddress want = expected.getAddress();
      InetAddress got = ((InetSocketAddress) ch.remoteAddress()).getAddress();
      if (want != null && !want.equals(got)) {
        return "node " + sender + " must connect from " + want + ", not " + got;
      }
      return null;
    }
  }
}
