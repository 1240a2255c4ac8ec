package io.quorumkv.jdbc.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's client transport for one JDBC connection: its requests go to one seed node at a time,
 * one in flight at a time (a JDBC connection is a sequence of request/response exchanges), over the
 * JVM's shared, multiplexed connection to that node ({@link SharedChannels}, {@link NodeChannel}).
 * The caller's thread serializes and parses (Avatica) and waits for its answer; one driver I/O
 * thread writes and reads for every connection, so concurrent statements share system calls.
 *
 * <p><b>Failover.</b> The transport uses the first reachable seed (starting at {@code firstSeed});
 * when that node goes away it moves to the next reachable one. Whether a request may follow it
 * there depends on when the connection broke:
 *
 * <ul>
 *   <li>Found closed before sending (the node closed the connection since the last exchange), or
 *       the frame could not be handed to the kernel whole: the node cannot have received the
 *       request, so it is sent to the next node.
 *   <li>Broken or timed out after the whole frame was written: the node may have executed it. A
 *       request that is safe to repeat ({@link RequestSafety}: reads, metadata, bookkeeping) is
 *       sent again to the next node; anything else fails with SQLState {@value #OUTCOME_UNKNOWN}
 *       and is never re-sent.
 * </ul>
 *
 * The new node does not know the JDBC connection: it answers "missing connection", and Avatica
 * (with {@code transparent_reconnection}, which the driver turns on) opens it there and retries. A
 * request that timed out leaves the shared connection open (other JDBC connections use it); its
 * late answer is dropped.
 *
 * <p>Thread-safe: exchanges are serialized on this object.
 */
public final class FrameTransport implements AvaticaHttpClient, Closeable {

  /**
   * The connection broke or timed out while a statement was in flight: it may have been applied.
   */
  public static final String OUTCOME_UNKNOWN = "08007";

  /** No seed could be reached. */
  public static final String UNABLE_TO_CONNECT = "08001";

  /** The transport was closed. */
  public static final String CONNECTION_DOES_NOT_EXIST = "08003";

  /** A read timed out (nothing was changed by it). */
  public static final String TIMEOUT = "HYT00";

  private static final Logger LOG = LoggerFactory.getLogger(FrameTransport.class);

  /** A per-thread override of the request timeout (isValid, Statement.setQueryTimeout). */
  private static final ThreadLocal<Integer> TIMEOUT_OVERRIDE = new ThreadLocal<>();

  /** A per-thread route: the hash of the key of the statement being executed (withRoute). */
  private static final ThreadLocal<Integer> ROUTE = new ThreadLocal<>();

  private final List<InetSocketAddress> seeds;
  private final int connectTimeoutMillis;
  private final int requestTimeoutMillis;
  private final boolean routeByKey;
  private final SharedChannels channels = SharedChannels.instance();

  /** Seed indexes sorted by address: the same order in every client given the same seeds. */
  private final int[] canonical;

  /** Seeds this connection has sent requests to (its state may live on each of them). */
  private final BitSet visited = new BitSet();

  /** The shared channel this transport holds a lease on, per seed (null: none). */
  private final NodeChannel[] held;

  private int current;

  /** The channel to the current seed: {@code held[current]}, or null before connecting. */
  private NodeChannel channel;

  private boolean closed;

  /**
   * A transport that connects lazily, on the first request.
   *
   * @param seeds the nodes to try, in order, wrapping around
   * @param firstSeed the index of the seed to try first (spreads connections over the seeds)
   * @param connectTimeoutMillis per connection attempt; 0 for the OS default
   * @param requestTimeoutMillis how long to wait for a response; 0 waits forever
   * @param routeByKey whether requests made under {@link #withRoute} follow their route
   */
  public FrameTransport(
      List<InetSocketAddress> seeds,
      int firstSeed,
      int connectTimeoutMillis,
      int requestTimeoutMillis,
      boolean routeByKey) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed nodes");
    }
    this.seeds = List.copyOf(seeds);
    this.current = Math.floorMod(firstSeed, seeds.size());
    this.canonical =
        IntStream.range(0, seeds.size())
            .boxed()
            .sorted(Comparator.comparing(i -> address(this.seeds.get(i))))
            .mapToInt(Integer::intValue)
            .toArray();
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.routeByKey = routeByKey;
    this.held = new NodeChannel[this.seeds.size()];
  }

  /**
   * Runs {@code body} with requests of the calling thread limited to {@code timeoutMillis} (0: no
   * limit) instead of the connection's request timeout.
   */
  public static <T> T withTimeout(int timeoutMillis, Supplier<T> body) {
    return with(TIMEOUT_OVERRIDE, timeoutMillis, body);
  }

  /**
   * Runs {@code body} with the requests of the calling thread sent to the seed that {@code route}
   * (a hash of a statement's key values) picks among the seeds in address order, when that node is
   * not known to be down: every client with the same seeds sends the statements of one key to the
   * same node, which then coordinates all of the key's writes and skips Paxos' prepare phase for
   * them. The connection itself stays on its own node (see {@link #sendRouted}).
   */
  public static <T> T withRoute(int route, Supplier<T> body) {
    return with(ROUTE, route, body);
  }

  /** Runs {@code body} with {@code local} set to {@code value}, restoring it afterwards. */
  private static <T> T with(ThreadLocal<Integer> local, int value, Supplier<T> body) {
    Integer previous = local.get();
    local.set(value);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        local.remove();
      } else {
        local.set(previous);
      }
    }
  }

  private static String address(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** The node the transport is connected to, or null. */
  public synchronized InetSocketAddress connectedTo() {
    return channel == null ? null : channel.node();
  }

  @Override
  public synchronized byte[] send(byte[] request) {
    if (closed) {
      throw error(CONNECTION_DOES_NOT_EXIST, "the connection is closed", null);
    }
    Integer route = routeByKey ? ROUTE.get() : null;
    if (route != null) {
      int wanted = canonical[Math.floorMod(route, seeds.size())];
      if (wanted != current && !channels.recentlyDown(seeds.get(wanted))) {
        byte[] answer = sendRouted(wanted, request);
        if (answer != null) {
          return answer;
        }
        // Not sent there, or a read that broke: the connection's own node takes it, as below.
      }
    }
    Boolean safe = null;
    IOException last = null;
    // Each node gets one attempt; a request safe to repeat may visit every seed once.
    for (int attempt = 0; attempt <= seeds.size(); attempt++) {
      ensureConnected(last);
      InetSocketAddress node = seeds.get(current);
      if (!channel.isOpen()) {
        LOG.info("connection to {} was closed; reconnecting", node);
        channels.markDown(node);
        drop();
        advance();
        continue;
      }
      NodeChannel.Exchange exchange = channel.send(request);
      visited.set(current);
      try {
        int timeout = timeoutMillis();
        byte[] answer =
            timeout == 0 ? exchange.get() : exchange.get(timeout, TimeUnit.MILLISECONDS);
        if (visited.cardinality() > 1 && RequestSafety.closesConnection(request)) {
          closeElsewhere(request);
        }
        return answer;
      } catch (InterruptedException e) {
        channel.forget(exchange);
        Thread.currentThread().interrupt();
        throw error(
            exchange.written ? OUTCOME_UNKNOWN : CONNECTION_DOES_NOT_EXIST,
            "interrupted while waiting for " + node,
            e);
      } catch (TimeoutException e) {
        channel.forget(exchange);
        if (safe == null) {
          safe = RequestSafety.retrySafe(request);
        }
        if (safe) {
          throw error(TIMEOUT, "no answer from " + node + " within the request timeout", e);
        }
        throw error(
            OUTCOME_UNKNOWN,
            "no answer from "
                + node
                + " within the request timeout while the statement was in flight: its outcome"
                + " is unknown (it may or may not have been applied); it was not retried",
            e);
      } catch (ExecutionException wrapped) {
        IOException e =
            wrapped.getCause() instanceof IOException io ? io : new IOException(wrapped.getCause());
        channels.markDown(node);
        drop();
        if (e instanceof NodeChannel.NotSentException) {
          LOG.info("sending to {} failed ({}); trying another node", node, e.toString());
          last = e;
          advance();
          continue;
        }
        if (safe == null) {
          safe = RequestSafety.retrySafe(request);
        }
        if (!safe) {
          advance();
          throw error(
              OUTCOME_UNKNOWN,
              "the connection to "
                  + node
                  + " broke while the statement was in flight: its outcome is unknown (it may or"
                  + " may not have been applied); it was not retried. New statements go to"
                  + " another seed node",
              e);
        }
        LOG.info("connection to {} broke during a read-only request; retrying elsewhere", node);
        last = e;
        advance();
      }
    }
    throw error(UNABLE_TO_CONNECT, "no seed node answered the request: " + seeds, last);
  }

  /**
   * Sends one routed request to seed {@code index} without moving the connection: statements are
   * prepared only on the connection's own node, so the statement ids the client holds are that
   * node's, and another node knows a statement only as prepared again from its text under the same
   * id (a node that prepared statements of its own for this connection would give out colliding
   * ids). Returns the answer, or null when the request should go to the connection's own node
   * instead (the node cannot be reached, or the request was not sent, or a read broke in flight);
   * throws for what may have been applied.
   */
  private byte[] sendRouted(int index, byte[] request) {
    InetSocketAddress node = seeds.get(index);
    NodeChannel target = held[index];
    if (target == null || !target.isOpen()) {
      if (target != null) {
        channels.release(target);
        held[index] = null;
      }
      try {
        target = channels.acquire(node, connectTimeoutMillis);
        held[index] = target;
      } catch (IOException e) {
        channels.markDown(node);
        return null;
      }
    }
    NodeChannel.Exchange exchange = target.send(request);
    visited.set(index);
    try {
      int timeout = timeoutMillis();
      return timeout == 0 ? exchange.get() : exchange.get(timeout, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      target.forget(exchange);
      Thread.currentThread().interrupt();
      throw error(
          exchange.written ? OUTCOME_UNKNOWN : CONNECTION_DOES_NOT_EXIST,
          "interrupted while waiting for " + node,
          e);
    } catch (TimeoutException e) {
      target.forget(exchange);
      if (RequestSafety.retrySafe(request)) {
        throw error(TIMEOUT, "no answer from " + node + " within the request timeout", e);
      }
      throw error(
          OUTCOME_UNKNOWN,
          "no answer from "
              + node
              + " within the request timeout while the statement was in flight: its outcome"
              + " is unknown (it may or may not have been applied); it was not retried",
          e);
    } catch (ExecutionException wrapped) {
      channels.markDown(node);
      channels.release(target);
      held[index] = null;
      if (wrapped.getCause() instanceof NodeChannel.NotSentException
          || RequestSafety.retrySafe(request)) {
        return null;
      }
      throw error(
          OUTCOME_UNKNOWN,
          "the connection to "
              + node
              + " broke while the statement was in flight: its outcome is unknown (it may or"
              + " may not have been applied); it was not retried",
          wrapped.getCause());
    }
  }

  private void ensureConnected(IOException previous) {
    if (channel != null) {
      return;
    }
    List<String> failures = new ArrayList<>();
    if (previous != null) {
      failures.add(previous.toString());
    }
    for (int i = 0; i < seeds.size(); i++) {
      InetSocketAddress node = seeds.get(current);
      if (held[current] != null) {
        channel = held[current];
        return;
      }
      try {
        channel = channels.acquire(node, connectTimeoutMillis);
        held[current] = channel;
        LOG.debug("on {}", node);
        return;
      } catch (IOException e) {
        failures.add(node + ": " + e);
        channels.markDown(node);
        advance();
      }
    }
    throw error(UNABLE_TO_CONNECT, "cannot connect to any seed node: " + failures, previous);
  }

  private int timeoutMillis() {
    Integer override = TIMEOUT_OVERRIDE.get();
    return override != null ? override : requestTimeoutMillis;
  }

  private void advance() {
    current = (current + 1) % seeds.size();
  }

  /**
   * Sends a connection's close to the other nodes it visited (statements routed by key open the
   * connection there too), without waiting: best effort, as the node also closes the connections of
   * a client connection that closes.
   */
  private void closeElsewhere(byte[] request) {
    for (int i = visited.nextSetBit(0); i >= 0; i = visited.nextSetBit(i + 1)) {
      if (i == current) {
        continue;
      }
      NodeChannel other = channels.openChannel(seeds.get(i));
      if (other != null) {
        other.forget(other.send(request));
      }
    }
    visited.clear();
    visited.set(current);
  }

  private void drop() {
    if (held[current] != null) {
      channels.release(held[current]);
      held[current] = null;
    }
    channel = null;
  }

  private static AvaticaClientRuntimeException error(
      String sqlState, String message, Throwable cause) {
    AvaticaClientRuntimeException e =
        new AvaticaClientRuntimeException(
            message, 0, sqlState, AvaticaSeverity.ERROR, List.of(), null);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (int i = 0; i < held.length; i++) {
      if (held[i] != null) {
        channels.release(held[i]);
        held[i] = null;
      }
    }
    channel = null;
  }

  @Override
  public String toString() {
    return "FrameTransport" + Objects.toString(seeds);
  }
}
