package io.quorumkv.jdbc.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
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

  private final List<InetSocketAddress> seeds;
  private final int connectTimeoutMillis;
  private final int requestTimeoutMillis;
  private final SharedChannels channels = SharedChannels.instance();

  private int current;
  private NodeChannel channel;
  private boolean closed;

  /**
   * A transport that connects lazily, on the first request.
   *
   * @param seeds the nodes to try, in order, wrapping around
   * @param firstSeed the index of the seed to try first (spreads connections over the seeds)
   * @param connectTimeoutMillis per connection attempt; 0 for the OS default
   * @param requestTimeoutMillis how long to wait for a response; 0 waits forever
   */
  public FrameTransport(
      List<InetSocketAddress> seeds,
      int firstSeed,
      int connectTimeoutMillis,
      int requestTimeoutMillis) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed nodes");
    }
    this.seeds = List.copyOf(seeds);
    this.current = Math.floorMod(firstSeed, seeds.size());
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  /**
   * Runs {@code body} with requests of the calling thread limited to {@code timeoutMillis} (0: no
   * limit) instead of the connection's request timeout.
   */
  public static <T> T withTimeout(int timeoutMillis, Supplier<T> body) {
    Integer previous = TIMEOUT_OVERRIDE.get();
    TIMEOUT_OVERRIDE.set(timeoutMillis);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        TIMEOUT_OVERRIDE.remove();
      } else {
        TIMEOUT_OVERRIDE.set(previous);
      }
    }
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
    Boolean safe = null;
    IOException last = null;
    // Each node gets one attempt; a request safe to repeat may visit every seed once.
    for (int attempt = 0; attempt <= seeds.size(); attempt++) {
      ensureConnected(last);
      InetSocketAddress node = seeds.get(current);
      if (!channel.isOpen()) {
        LOG.info("connection to {} was closed; reconnecting", node);
        drop();
        advance();
        continue;
      }
      NodeChannel.Exchange exchange = channel.send(request);
      try {
        int timeout = timeoutMillis();
        return timeout == 0 ? exchange.get() : exchange.get(timeout, TimeUnit.MILLISECONDS);
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
      try {
        channel = channels.acquire(node, connectTimeoutMillis);
        LOG.debug("on {}", node);
        return;
      } catch (IOException e) {
        failures.add(node + ": " + e);
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

  private void drop() {
    if (channel != null) {
      channels.release(channel);
      channel = null;
    }
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
    drop();
  }

  @Override
  public String toString() {
    return "FrameTransport" + Objects.toString(seeds);
  }
}
