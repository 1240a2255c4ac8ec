package io.quorumkv.replication.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.quorumkv.replication.transport.ClientCodec;
import io.quorumkv.replication.transport.ClientMessage;
import io.quorumkv.replication.transport.ProtocolErrorHandler;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves native clients ({@link io.quorumkv.replication.client.QuorumClient}) on the client port:
 * each request is coordinated by this node's replica and answered on the same connection with the
 * request's tag. Replies from one event-loop turn share a flush ({@link
 * FlushConsolidationHandler}). A malformed or oversized frame closes that client's connection only.
 */
final class ClientServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientServer.class);
  private static final int MAX_TIMEOUT_MILLIS = 60_000;

  private final NodeConfig config;
  private final EventLoopGroup io;
  private final ReplicaNode node;
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel server;

  ClientServer(NodeConfig config, EventLoopGroup io, ReplicaNode node) {
    this.config = config;
    this.io = io;
    this.node = node;
  }

  void start() {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(256, true))
                        .addLast(new ClientCodec.Encoder())
                        .addLast(new ClientCodec.Decoder(config.maxFrameBytes()))
                        .addLast(new RequestHandler())
                        .addLast(new ProtocolErrorHandler());
                  }
                });
    server = PeerNetwork.bind(b, config.host(), config.clientPort(), "client");
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().awaitUninterruptibly();
    }
    clients.close().awaitUninterruptibly();
  }

  /** Hands each request to the node and writes the outcome back with the request's tag. */
  private final class RequestHandler extends SimpleChannelInboundHandler<ClientMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClientMessage msg) {
      if (msg instanceof ClientMessage.StatsRequest s) {
        ctx.writeAndFlush(new ClientMessage.StatsResponse(s.tag(), node.metrics()));
        return;
      }
      if (msg instanceof ClientMessage.LocalRead l) {
        Channel ch = ctx.channel();
        node.readLocal(
            l.key(),
            outcome -> {
              if (ch.isActive()) {
                ch.writeAndFlush(new ClientMessage.Response(l.tag(), outcome), ch.voidPromise());
              }
            });
        return;
      }
      if (!(msg instanceof ClientMessage.Request r)) {
        LOG.warn("node {}: closing {}: a client sent a response", config.nodeId(), ctx.channel());
        ctx.close();
        return;
      }
      Channel ch = ctx.channel();
      node.submit(
          r.key(),
          r.operation(),
          r.requestId(),
          r.retry(),
          Math.min(r.timeoutMillis(), MAX_TIMEOUT_MILLIS),
          outcome -> {
            if (ch.isActive()) {
              ch.writeAndFlush(new ClientMessage.Response(r.tag(), outcome), ch.voidPromise());
            }
          });
    }
  }
}
