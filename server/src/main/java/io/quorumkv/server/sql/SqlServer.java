package io.quorumkv.server.sql;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.quorumkv.executor.SqlEngine;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's SQL port: JDBC clients (module jdbc-driver) connect over TCP and exchange Avatica
 * protobuf messages in length-prefixed frames (format in jdbc-driver/README.md). Requests run on a
 * pool of worker threads over one {@link SqlEngine}, except executions of primary-key point
 * SELECTs, which the event loop starts and the store's completion answers; each JDBC connection is
 * one executor session. A malformed frame closes its connection only.
 *
 * <p>Start with {@link #start}; {@link #close} stops accepting, closes every client connection and
 * stops the threads. Thread-safe.
 */
public final class SqlServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);
  private static final AtomicBoolean WARMED = new AtomicBoolean();
  private static volatile boolean warmedUp;

  /** The server's version, reported in database metadata. */
  public static final String VERSION = "0.1.0";

  /** Worker threads by default: enough for 64 clients blocked on the store at once. */
  public static final int DEFAULT_WORKERS = 64;

  /** Answers merged into one system call at most, when they finish faster than they leave. */
  private static final int MAX_MERGED_FLUSHES = 256;

  private final EventLoopGroup io;
  private final boolean ownsIo;
  private final ExecutorService workers;
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final QuorumMeta meta;
  private final LongAdder compactAnswers = new LongAdder();
  private final Channel channel;

  private SqlServer(
      InetSocketAddress address,
      SqlEngine engine,
      ClusterView cluster,
      int workerThreads,
      EventLoopGroup sharedIo,
      String threadPrefix)
      throws BindException {
    this.meta = new QuorumMeta(engine, cluster);
    LocalService service = new LocalService(meta);
    ProtobufTranslationImpl translation = new ExactBytesTranslation();
    this.ownsIo = sharedIo == null;
    this.io =
        ownsIo
            ? new MultiThreadIoEventLoopGroup(
                1, named(threadPrefix + "io"), NioIoHandler.newFactory())
            : sharedIo;
    this.workers =
        new ThreadPoolExecutor(
            workerThreads,
            workerThreads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            named(threadPrefix + "worker"));
    ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(MAX_MERGED_FLUSHES, true))
                        .addLast(new SqlFrameDecoder())
                        .addLast(
                            new SqlServerHandler(
                                service,
                                meta,
                                translation,
                                workers,
                                compactAnswers,
                                new Service.RpcMetadataResponse(
                                    String.valueOf(ch.localAddress()))));
                  }
                });
    ChannelFuture bound = b.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutdownThreads();
      Throwable cause = bound.cause();
      BindException e =
          new BindException("cannot listen for SQL clients on " + address + ": " + cause);
      e.initCause(cause);
      throw e;
    }
    this.channel = bound.channel();
    if (WARMED.compareAndSet(false, true)) {
      // Once per JVM: what it warms (classes, Calcite's caches, JIT) is per process.
      Thread warm = new Thread(SqlServer::warmUp, "qkv-sql-warmup");
      warm.setDaemon(true);
      warm.start();
    }
  }

  private static void warmUp() {
    try {
      SqlEngine.warmUp();
    } catch (RuntimeException e) {
      // Only a cold start is lost; the node serves statements either way.
      LOG.warn("warming up the SQL layer failed", e);
    } finally {
      warmedUp = true;
    }
  }

  /**
   * Listens on {@code address} (port 0: any free port) for JDBC clients of {@code engine}.
   *
   * @throws BindException naming the address when it cannot be bound (e.g. the port is in use)
   */
  public static SqlServer start(InetSocketAddress address, SqlEngine engine) throws BindException {
    return start(address, engine, ClusterView.NONE);
  }

  /**
   * Listens on {@code address} (port 0: any free port) for JDBC clients of {@code engine}, serving
   * the cluster procedures from {@code cluster}.
   *
   * @throws BindException naming the address when it cannot be bound (e.g. the port is in use)
   */
  public static SqlServer start(InetSocketAddress address, SqlEngine engine, ClusterView cluster)
      throws BindException {
    return new SqlServer(address, engine, cluster, DEFAULT_WORKERS, null, "sql-");
  }

  /**
   * As {@link #start(InetSocketAddress, SqlEngine, ClusterView)}, with the connections' I/O on
   * {@code io} (not shut down by {@link #close}) instead of a thread of its own. A node passes its
   * replica's event loop ({@link io.quorumkv.replication.node.ReplicaNode#eventLoop}): a point read
   * then goes from the client's frame to the replica and back to the answer on one thread, with no
   * hand-off, as the native client port does. Only non-blocking work runs there (parsing, the
   * point-read path, encoding answers); everything else goes to the worker threads.
   */
  public static SqlServer start(
      InetSocketAddress address, SqlEngine engine, ClusterView cluster, EventLoopGroup io)
      throws BindException {
    return start(address, engine, cluster, io, "sql-");
  }

  /**
   * As {@link #start(InetSocketAddress, SqlEngine, ClusterView, EventLoopGroup)}, with the threads
   * this server starts named {@code threadPrefix + "worker-N"} (a node passes a prefix with its id,
   * so each log line says which node of a local cluster wrote it).
   */
  public static SqlServer start(
      InetSocketAddress address,
      SqlEngine engine,
      ClusterView cluster,
      EventLoopGroup io,
      String threadPrefix)
      throws BindException {
    return new SqlServer(
        address, engine, cluster, DEFAULT_WORKERS, Objects.requireNonNull(io), threadPrefix);
  }

  /**
   * Whether this process's one-time SQL warm-up (classes, Calcite's caches; started by the first
   * server) has finished, successfully or not. Thread-safe.
   */
  public static boolean warmedUp() {
    return warmedUp;
  }

  /** Listens on {@code port} of the loopback interface. */
  public static SqlServer start(int port, SqlEngine engine) throws BindException {
    return start(new InetSocketAddress("127.0.0.1", port), engine);
  }

  /** The address it listens on (with the actual port). */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** JDBC connections open on this server. */
  public int openConnections() {
    return meta.openConnections();
  }

  /** Answers sent in the compact encoding so far (executions of prepared statements). */
  public long compactAnswers() {
    return compactAnswers.sum();
  }

  /** TCP connections from clients open now (a driver shares one per node among its JDBC ones). */
  public int clientConnections() {
    return clients.size();
  }

  /** Stops listening, closes every client connection and stops the threads; idempotent. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    clients.close().awaitUninterruptibly();
    shutdownThreads();
  }

  private void shutdownThreads() {
    if (ownsIo) {
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    workers.shutdown();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
