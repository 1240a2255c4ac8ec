package io.quorumkv.replication.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.ReplicaGroups;
import io.quorumkv.replication.paxos.RequestId;
import io.quorumkv.replication.transport.ClientCodec;
import io.quorumkv.replication.transport.ClientMessage;
import io.quorumkv.replication.transport.ProtocolErrorHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native asynchronous client of a QuorumKV cluster.
 *
 * <p>Every key is coordinated by a node of its replica group ({@link ReplicaGroups}: one static
 * group for now; a sharded mapping plugs in here). The client prefers one node per key (chosen by
 * the key's hash), so successive writes of a key find the fast path (the coordinator that wrote the
 * last value skips the prepare phase), and fails over to the next node of the group when a node is
 * unreachable, answers "failed" or "unknown", or does not answer in time.
 *
 * <p><b>Outcomes.</b> Reads complete with {@link Outcome.ReadOk} (value and version). Writes
 * complete with a {@link CasResult}: {@code Applied(version, value)}, {@code NotApplied(current,
 * version)} (a condition was false; a linearizable observation), or {@code Unknown(reason)} when
 * the write may or may not have taken effect (e.g. every node timed out after one of them had
 * proposed it). A future completes exceptionally with {@link RequestFailedException} only when the
 * request certainly had no effect.
 *
 * <p><b>Exactly once.</b> Each write gets a {@link RequestId} (this client's id and a growing
 * sequence). Failover re-sends the <em>same</em> request id with the retry flag, so a write that
 * was applied by an earlier attempt is answered with its original outcome instead of applying
 * twice. To retry after an {@code Unknown}, call {@link #execute} with the same id: this client
 * remembers the ids it sent recently (the last {@value #REMEMBERED_IDS}) and sends a repeated one
 * with the retry flag from its first attempt. For an id this client instance may not remember (one
 * used by an earlier process, or long ago), call {@link #retry}, which always sets the flag. The
 * flag matters once the id has left the cluster's exactly-once window: a retried conditional write
 * whose condition is now false is then answered {@code Unknown} (it may have applied earlier)
 * rather than {@code NotApplied}. The cluster remembers the latest write of the most recent clients
 * per key (PAXOS.md, "Exactly-once").
 *
 * <p><b>Writes of one key are sent one at a time.</b> The cluster's exactly-once window keeps only
 * the latest write of each client per key, so a write of this client that reached a key after a
 * newer one of the same client had been applied could only be answered {@code Unknown}. This client
 * therefore holds a write of a key until its earlier writes of that key completed, and sends them
 * in the order they were submitted, drawing each one's request id when it is sent; reads and writes
 * of other keys are not held. Callers of {@link #execute} with their own ids must likewise use
 * growing ids for successive writes of one key.
 *
 * <p>Thread-safe; one client per application is enough (requests are pipelined on one connection
 * per node). Futures complete on the client's IO thread: do not block in their callbacks.
 */
public final class QuorumClient implements AutoCloseable {
  /** How many recently sent write request ids a client remembers to flag their reuse as a retry. */
  public static final int REMEMBERED_IDS = 65_536;

  private final Map<Integer, InetSocketAddress> nodes;
  private final ReplicaGroups groups;
  private final long clientId;
  private final int timeoutMillis;
  private final int attempts;
  private final int maxFrameBytes;
  private final EventLoopGroup io;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong tags = new AtomicLong();
  private final Map<Integer, Connection> connections = new ConcurrentHashMap<>();
  private final Map<RequestId, Boolean> sentIds =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<RequestId, Boolean> eldest) {
              return size() > REMEMBERED_IDS;
            }
          });

  /**
   * Keys with a write of this client in flight, each with the writes queued behind it. Guarded by
   * itself.
   */
  private final Map<Bytes, ArrayDeque<Runnable>> writesInFlight = new HashMap<>();

  private volatile boolean closed;

  private QuorumClient(Builder b) {
    this.nodes = Map.copyOf(b.nodes);
    this.groups =
        b.groups != null ? b.groups : ReplicaGroups.fixed(new ArrayList<>(b.nodes.keySet()));
    this.clientId = b.clientId != null ? b.clientId : new SecureRandom().nextLong() >>> 1;
    this.timeoutMillis = (int) b.timeout.toMillis();
    this.attempts = b.attempts;
    this.maxFrameBytes = b.maxFrameBytes;
    this.io =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("qkv-client", true), NioIoHandler.newFactory());
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** This client's id (the first half of its request ids). */
  public long clientId() {
    return clientId;
  }

  /**
   * An explicitly weaker read, opt-in only: the value node {@code node} has learned for {@code
   * key}, from that node alone, without a quorum. <b>It may be stale</b>: older than values other
   * clients already saw (the node may have missed the latest commits, or still be rebuilding after
   * a disk loss), and two such reads may go back in time. For monitoring, repair checks and
   * tolerant caches; use {@link #get} for a linearizable read. Fails with {@link
   * RequestFailedException} if the node cannot answer in time; never retried elsewhere (another
   * node's answer would be a different read).
   */
  public CompletableFuture<Outcome.ReadOk> readStale(int node, Bytes key) {
    if (!nodes.containsKey(node)) {
      throw new IllegalArgumentException("unknown node " + node);
    }
    long tag = tags.incrementAndGet();
    return connection(node)
        .send(tag, new ClientMessage.LocalRead(tag, key))
        .handle(
            (o, t) -> {
              if (o instanceof Outcome.ReadOk ok) {
                return ok;
              }
              throw new RequestFailedException(
                  "stale read at node " + node + ": " + (t != null ? t.toString() : o));
            });
  }

  /** A linearizable read of {@code key}. */
  public CompletableFuture<Outcome.ReadOk> get(Bytes key) {
    return execute(key, new Operation.Read(), null).thenApply(o -> (Outcome.ReadOk) o);
  }

  /** Sets {@code key} to {@code value}. */
  public CompletableFuture<CasResult> put(Bytes key, Bytes value) {
    return write(key, new Operation.Put(value));
  }

  /** Deletes {@code key}. */
  public CompletableFuture<CasResult> delete(Bytes key) {
    return write(key, new Operation.Delete());
  }

  /**
   * Sets {@code key} to {@code newValue} ({@code null}: delete) if it holds {@code expected}
   * ({@code null}: absent).
   */
  public CompletableFuture<CasResult> cas(Bytes key, Bytes expected, Bytes newValue) {
    return write(key, new Operation.Cas(expected, newValue));
  }

  /**
   * Sets {@code key} to {@code newValue} ({@code null}: delete) if its version is {@code
   * expectedVersion} (0: never written): an update computed from a value read earlier is written
   * back only if nobody wrote in between.
   */
  public CompletableFuture<CasResult> updateIfVersion(
      Bytes key, long expectedVersion, Bytes newValue) {
    return write(key, new Operation.CasVersion(expectedVersion, newValue));
  }

  /** A fresh request id of this client. */
  public RequestId nextRequestId() {
    return new RequestId(clientId, seq.incrementAndGet());
  }

  private CompletableFuture<CasResult> write(Bytes key, Operation op) {
    // The id is drawn when the write starts (null here): ids of one key must grow in the order
    // its writes reach the cluster, which the per-key queue fixes only once they are in it.
    return submit(key, op, null, false).thenApply(o -> (CasResult) o);
  }

  /**
   * Runs {@code operation} on {@code key} with an explicit request id (required for writes, ignored
   * for reads). Use it to retry a write whose outcome was unknown: the same id returns the original
   * outcome if it was applied. A write id this client sent recently (see {@link #REMEMBERED_IDS})
   * is sent as a retry from the first attempt, so a retry whose id the cluster no longer remembers
   * answers {@code Unknown}, never a wrong {@code NotApplied}; use {@link #retry} for an id this
   * client may not remember. The future completes with a {@link Outcome.ReadOk} or a {@link
   * CasResult}, or exceptionally with {@link RequestFailedException}.
   */
  public CompletableFuture<Outcome> execute(Bytes key, Operation operation, RequestId requestId) {
    requireIdForWrite(operation, requestId);
    return submit(key, operation, requestId, false);
  }

  /**
   * Retries a write with a request id used before (by this client or an earlier incarnation of it):
   * like {@link #execute}, but every attempt carries the retry flag. If the cluster still remembers
   * the id, the original outcome is returned; if it has forgotten it and the write's condition is
   * now false, the answer is {@code Unknown} (the first attempt may have applied).
   */
  public CompletableFuture<Outcome> retry(Bytes key, Operation operation, RequestId requestId) {
    requireIdForWrite(operation, requestId);
    return submit(key, operation, requestId, true);
  }

  private static void requireIdForWrite(Operation operation, RequestId requestId) {
    if (operation.isWrite()) {
      Objects.requireNonNull(requestId, "writes need a request id");
    }
  }

  private CompletableFuture<Outcome> submit(
      Bytes key, Operation operation, RequestId givenId, boolean knownRetry) {
    Objects.requireNonNull(key, "key");
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new RequestFailedException("client closed"));
      return result;
    }
    List<Integer> order = route(key);
    if (!operation.isWrite()) {
      attempt(key, operation, null, order, 0, false, "", result);
      return result;
    }
    Runnable start =
        () -> {
          RequestId id = givenId != null ? givenId : nextRequestId();
          boolean retry = sentIds.put(id, Boolean.TRUE) != null || knownRetry;
          attempt(key, operation, id, order, 0, retry, "", result);
        };
    boolean first;
    synchronized (writesInFlight) {
      ArrayDeque<Runnable> waiting = writesInFlight.get(key);
      first = waiting == null;
      if (first) {
        writesInFlight.put(key, new ArrayDeque<>());
      } else {
        waiting.add(start);
      }
    }
    result.whenComplete((outcome, error) -> startNextWrite(key));
    if (first) {
      start.run();
    }
    return result;
  }

  /** Starts the next write of {@code key} queued behind the one that just completed, if any. */
  private void startNextWrite(Bytes key) {
    List<Runnable> next = new ArrayList<>(1);
    synchronized (writesInFlight) {
      ArrayDeque<Runnable> waiting = writesInFlight.get(key);
      if (waiting == null) {
        return;
      }
      if (closed) {
        // Each would fail at once and call back here: start them all now, not recursively.
        next.addAll(waiting);
        writesInFlight.remove(key);
      } else if (waiting.isEmpty()) {
        writesInFlight.remove(key);
      } else {
        next.add(waiting.poll());
      }
    }
    next.forEach(Runnable::run);
  }

  /** The nodes to try for {@code key}, the preferred one first. */
  List<Integer> route(Bytes key) {
    List<Integer> group = new ArrayList<>();
    for (int id : groups.replicasOf(key)) {
      if (nodes.containsKey(id)) {
        group.add(id);
      }
    }
    if (group.isEmpty()) {
      throw new IllegalStateException("no known node replicates key " + key);
    }
    int start = Math.floorMod(key.hashCode(), group.size());
    List<Integer> order = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      order.add(group.get((start + i) % group.size()));
    }
    return order;
  }

  private void attempt(
      Bytes key,
      Operation op,
      RequestId rid,
      List<Integer> order,
      int n,
      boolean mayHaveApplied,
      String history,
      CompletableFuture<Outcome> result) {
    if (n >= attempts || closed) {
      String why = (closed ? "client closed; " : "") + "attempts: " + history;
      if (op.isWrite() && mayHaveApplied) {
        result.complete(new CasResult.Unknown("no definite answer; " + why));
      } else {
        result.completeExceptionally(new RequestFailedException("not applied; " + why));
      }
      return;
    }
    int node = order.get(n % order.size());
    ClientMessage.Request req =
        new ClientMessage.Request(
            tags.incrementAndGet(),
            key,
            op,
            op.isWrite() ? rid : null,
            mayHaveApplied,
            timeoutMillis);
    connection(node)
        .send(req.tag(), req)
        .whenComplete(
            (reply, error) -> {
              if (error == null
                  && (reply instanceof Outcome.ReadOk
                      || reply instanceof CasResult.Applied
                      || reply instanceof CasResult.NotApplied)) {
                result.complete(reply);
                return;
              }
              boolean unknown;
              String what;
              if (error instanceof NotSentException) {
                unknown = false;
                what = error.getMessage();
              } else if (error != null) {
                unknown = true; // sent, then lost or timed out: it may have been proposed
                what = error.getMessage();
              } else {
                unknown = reply instanceof CasResult.Unknown;
                what = reply.toString();
              }
              attempt(
                  key,
                  op,
                  rid,
                  order,
                  n + 1,
                  mayHaveApplied || unknown,
                  history + (history.isEmpty() ? "" : "; ") + "node " + node + ": " + what,
                  result);
            });
  }

  /**
   * The counters of node {@code node} (client requests, peer messages, frames, flushes and bytes
   * sent, state writes, engine metrics; see {@code ReplicaNode.metrics}). For benchmarks and
   * operators; fails with {@link RequestFailedException} if the node cannot be reached in time.
   */
  public CompletableFuture<Map<String, Long>> stats(int node) {
    if (!nodes.containsKey(node)) {
      throw new IllegalArgumentException("unknown node " + node);
    }
    return connection(node).stats(tags.incrementAndGet());
  }

  private Connection connection(int node) {
    return connections.computeIfAbsent(node, id -> new Connection(id, nodes.get(id)));
  }

  @Override
  public void close() {
    closed = true;
    for (Connection c : connections.values()) {
      c.close();
    }
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** The request was never written to a connection: it certainly had no effect. */
  private static final class NotSentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSentException(String message) {
      super(message, null, false, false);
    }
  }

  /** A lost or timed-out request that had been written: it may have taken effect. */
  private static final class LostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostException(String message) {
      super(message, null, false, false);
    }
  }

  /** A request written to {@code channel}, awaiting its response. */
  private static final class InFlight {
    final Channel channel;
    final CompletableFuture<Outcome> reply;

    /** The request's timeout, cancelled when the response arrives (keeps the timer queue small). */
    volatile io.netty.util.concurrent.ScheduledFuture<?> timeout;

    InFlight(Channel channel, CompletableFuture<Outcome> reply) {
      this.channel = channel;
      this.reply = reply;
    }

    Channel channel() {
      return channel;
    }

    CompletableFuture<Outcome> reply() {
      return reply;
    }
  }

  /** One connection to one node, (re)connected on demand, with its requests in flight. */
  private final class Connection {
    final int node;
    final InetSocketAddress address;
    final Map<Long, InFlight> pending = new ConcurrentHashMap<>();
    final Map<Long, CompletableFuture<Map<String, Long>>> statsPending = new ConcurrentHashMap<>();
    CompletableFuture<Channel> channel;

    Connection(int node, InetSocketAddress address) {
      this.node = node;
      this.address = address;
    }

    synchronized CompletableFuture<Channel> channel() {
      if (channel != null
          && (!channel.isDone()
              || (!channel.isCompletedExceptionally() && channel.join().isActive()))) {
        return channel;
      }
      CompletableFuture<Channel> c = new CompletableFuture<>();
      channel = c;
      new Bootstrap()
          .group(io)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.min(timeoutMillis, 2000))
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  ch.pipeline()
                      .addLast(new FlushConsolidationHandler(256, true))
                      .addLast(new ClientCodec.Encoder())
                      .addLast(new ClientCodec.Decoder(maxFrameBytes))
                      .addLast(new ResponseHandler())
                      .addLast(new ProtocolErrorHandler());
                }
              })
          .connect(address)
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  f.channel().closeFuture().addListener(x -> failPending(f.channel()));
                  c.complete(f.channel());
                } else {
                  c.completeExceptionally(
                      new NotSentException(
                          "cannot connect to " + address + ": " + f.cause().getMessage()));
                }
              });
      return c;
    }

    CompletableFuture<Outcome> send(long tag, ClientMessage req) {
      CompletableFuture<Outcome> reply = new CompletableFuture<>();
      channel()
          .whenComplete(
              (ch, error) -> {
                if (error != null) {
                  reply.completeExceptionally(
                      error instanceof NotSentException
                          ? error
                          : new NotSentException(error.toString()));
                  return;
                }
                InFlight inFlight = new InFlight(ch, reply);
                pending.put(tag, inFlight);
                // the coordinator answers by its deadline; the margin covers the network
                inFlight.timeout =
                    ch.eventLoop()
                        .schedule(
                            () -> {
                              if (pending.remove(tag, inFlight)) {
                                reply.completeExceptionally(new LostException("no answer in time"));
                              }
                            },
                            timeoutMillis + 500L,
                            TimeUnit.MILLISECONDS);
                ch.writeAndFlush(req)
                    .addListener(
                        w -> {
                          if (!w.isSuccess() && pending.remove(tag, inFlight)) {
                            // a failed write may still have put bytes on the wire
                            reply.completeExceptionally(
                                new LostException("write failed: " + w.cause()));
                          }
                        });
              });
      return reply;
    }

    CompletableFuture<Map<String, Long>> stats(long tag) {
      CompletableFuture<Map<String, Long>> result = new CompletableFuture<>();
      channel()
          .whenComplete(
              (ch, error) -> {
                if (error != null) {
                  result.completeExceptionally(new RequestFailedException(error.toString()));
                  return;
                }
                statsPending.put(tag, result);
                io.schedule(
                    () -> {
                      if (statsPending.remove(tag, result)) {
                        result.completeExceptionally(
                            new RequestFailedException("no stats from node " + node + " in time"));
                      }
                    },
                    timeoutMillis + 500L,
                    TimeUnit.MILLISECONDS);
                ch.writeAndFlush(new ClientMessage.StatsRequest(tag));
              });
      return result;
    }

    private void failPending(Channel ch) {
      for (Map.Entry<Long, InFlight> e : pending.entrySet()) {
        if (e.getValue().channel() == ch && pending.remove(e.getKey(), e.getValue())) {
          e.getValue()
              .reply()
              .completeExceptionally(new LostException("connection to node " + node + " lost"));
        }
      }
    }

    synchronized void close() {
      if (channel != null && channel.isDone() && !channel.isCompletedExceptionally()) {
        channel.join().close().awaitUninterruptibly();
      }
    }

    /** Completes the request a response belongs to. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<ClientMessage> {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ClientMessage msg) {
        if (msg instanceof ClientMessage.Response r) {
          InFlight f = pending.remove(r.tag());
          if (f != null) {
            io.netty.util.concurrent.ScheduledFuture<?> t = f.timeout;
            if (t != null) {
              t.cancel(false);
            }
            f.reply().complete(r.outcome());
          }
        } else if (msg instanceof ClientMessage.StatsResponse r) {
          CompletableFuture<Map<String, Long>> f = statsPending.remove(r.tag());
          if (f != null) {
            f.complete(r.stats());
          }
        } else {
          ctx.close(); // a node never sends requests
        }
      }
    }
  }

  /** Builds a {@link QuorumClient}. */
  public static final class Builder {
    private final Map<Integer, InetSocketAddress> nodes = new TreeMap<>();
    private ReplicaGroups groups;
    private Long clientId;
    private Duration timeout = Duration.ofSeconds(2);
    private int attempts = 3;
    private int maxFrameBytes = 16 << 20;

    private Builder() {}

    /** Adds node {@code id}, reachable at its client address. */
    public Builder node(int id, InetSocketAddress clientAddress) {
      nodes.put(id, Objects.requireNonNull(clientAddress));
      return this;
    }

    /** The key to replica-group mapping; default: one group of every node added. */
    public Builder groups(ReplicaGroups groups) {
      this.groups = Objects.requireNonNull(groups);
      return this;
    }

    /**
     * This client's id; default random. Must be unique among live clients (it scopes request ids).
     */
    public Builder clientId(long id) {
      if (id < 0) {
        throw new IllegalArgumentException("client id must be >= 0");
      }
      this.clientId = id;
      return this;
    }

    /** The coordinator deadline of each attempt; default 2 s. */
    public Builder timeout(Duration timeout) {
      if (timeout.toMillis() <= 0 || timeout.toMillis() > 60_000) {
        throw new IllegalArgumentException("timeout must be in (0, 60 s]");
      }
      this.timeout = timeout;
      return this;
    }

    /** How many nodes to try per request (same request id each time); default 3. */
    public Builder attempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be >= 1");
      }
      this.attempts = attempts;
      return this;
    }

    /** The largest response frame accepted; default 16 MiB. */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = bytes;
      return this;
    }

    /** The client (connections are opened on first use). */
    public QuorumClient build() {
      if (nodes.isEmpty()) {
        throw new IllegalStateException("add at least one node");
      }
      return new QuorumClient(this);
    }
  }
}
