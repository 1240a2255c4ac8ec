package io.quorumkv.jdbc.transport;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's client transport over QuorumKV frames ({@link Frames}): one blocking TCP connection to
 * one seed node at a time, one request in flight at a time (a JDBC connection is a sequence of
 * request/response exchanges, so a blocking socket in the caller's thread is the shortest path: no
 * hand-off to an I/O thread and back).
 *
 * <p><b>I/O.</b> The socket stays in non-blocking mode with a selector of its own, so that checking
 * whether the node closed the connection before sending is one {@code read} that returns at once,
 * and waiting for the answer (with the request timeout) is one {@code select}. A frame goes out in
 * one {@code write} from a reused direct buffer and the answer is read in as few {@code read}s as
 * the kernel allows into another (not byte by byte).
 *
 * <p><b>Failover.</b> The transport connects to the first reachable seed (starting at {@code
 * firstSeed}); when that node goes away it connects to the next reachable one. Whether a request
 * may follow it there depends on when the connection broke:
 *
 * <ul>
 *   <li>Found closed before sending (the node closed the connection since the last exchange, seen
 *       with a non-blocking read), or a write that failed before the whole frame was handed to the
 *       kernel: the node cannot have received the request, so it is sent to the next node.
 *   <li>Broken or timed out after the whole frame was written: the node may have executed it. A
 *       request that is safe to repeat ({@link RequestSafety}: reads, metadata, bookkeeping) is
 *       sent again to the next node; anything else fails with SQLState {@value #OUTCOME_UNKNOWN}
 *       and is never re-sent.
 * </ul>
 *
 * The new node does not know the JDBC connection: it answers "missing connection", and Avatica
 * (with {@code transparent_reconnection}, which the driver turns on) opens it there and retries.
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
  private final ByteBuffer peek = ByteBuffer.allocateDirect(1);

  /** Initial size of the reused direct buffers; a larger frame gets a larger one. */
  private static final int BUFFER_BYTES = 16 << 10;

  private int current;
  private SocketChannel channel;
  private Selector selector;
  private SelectionKey key;
  private ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
  private ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_BYTES);
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
    return channel == null ? null : seeds.get(current);
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
      if (!stillOpen()) {
        LOG.info("connection to {} was closed by the node; reconnecting", node);
        drop();
        advance();
        continue;
      }
      try {
        writeFrame(request);
      } catch (IOException e) {
        // Not the whole frame reached the kernel: the node cannot have received the request.
        LOG.info("sending to {} failed ({}); trying another node", node, e.toString());
        last = e;
        drop();
        advance();
        continue;
      }
      try {
        return readFrame();
      } catch (IOException e) {
        drop();
        if (safe == null) {
          safe = RequestSafety.retrySafe(request);
        }
        if (e instanceof SocketTimeoutException) {
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
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        ch.socket().connect(resolve(node), connectTimeoutMillis);
        ch.socket().setTcpNoDelay(true);
        ch.socket().setKeepAlive(true);
        ch.configureBlocking(false);
        Selector sel = Selector.open();
        try {
          key = ch.register(sel, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
          sel.close();
          throw e;
        }
        selector = sel;
        channel = ch;
        in.clear().limit(0);
        LOG.debug("connected to {}", node);
        return;
      } catch (IOException e) {
        failures.add(node + ": " + e);
        closeQuietly(ch);
        advance();
      }
    }
    throw error(UNABLE_TO_CONNECT, "cannot connect to any seed node: " + failures, previous);
  }

  private static InetSocketAddress resolve(InetSocketAddress node) {
    return node.isUnresolved() ? new InetSocketAddress(node.getHostString(), node.getPort()) : node;
  }

  /** Whether the node has not closed the connection since the last exchange (non-blocking). */
  private boolean stillOpen() {
    try {
      peek.clear();
      int n = channel.read(peek);
      // 0: nothing to read, the normal case. -1: the node closed it. >0: bytes nobody asked for.
      return n == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private void writeFrame(byte[] payload) throws IOException {
    int size = Frames.LENGTH_BYTES + 1 + payload.length;
    if (out.capacity() < size) {
      out = ByteBuffer.allocateDirect(Math.max(size, out.capacity() * 2));
    }
    out.clear();
    out.putInt(payload.length + 1).put(Frames.VERSION).put(payload).flip();
    long deadline = deadline();
    while (out.hasRemaining()) {
      if (channel.write(out) == 0) {
        await(SelectionKey.OP_WRITE, deadline);
      }
    }
  }

  private byte[] readFrame() throws IOException {
    long deadline = deadline();
    in.clear();
    fill(Frames.LENGTH_BYTES + 1, deadline);
    int length = in.getInt(0);
    if (length < 1 || length > Frames.MAX_FRAME_BYTES) {
      throw new IOException("bad frame length " + length + " from the node");
    }
    byte version = in.get(Frames.LENGTH_BYTES);
    if (version != Frames.VERSION) {
      throw new IOException("unknown frame version " + version + " from the node");
    }
    int size = Frames.LENGTH_BYTES + length;
    if (in.capacity() < size) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(size);
      in.flip();
      bigger.put(in);
      in = bigger;
    }
    fill(size, deadline);
    byte[] payload = new byte[length - 1];
    in.get(Frames.LENGTH_BYTES + 1, payload);
    return payload;
  }

  /** Reads until {@code in} holds at least {@code bytes} bytes (from position 0). */
  private void fill(int bytes, long deadline) throws IOException {
    while (in.position() < bytes) {
      int n = channel.read(in);
      if (n < 0) {
        throw new EOFException("the node closed the connection");
      }
      if (n == 0) {
        await(SelectionKey.OP_READ, deadline);
      }
    }
  }

  /** Nanosecond deadline of the current exchange, or 0 for none. */
  private long deadline() {
    int timeout = timeoutMillis();
    return timeout == 0 ? 0 : Math.max(1, System.nanoTime() + timeout * 1_000_000L);
  }

  /** Waits until the socket is ready for {@code ops} or the deadline passes. */
  private void await(int ops, long deadline) throws IOException {
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
    long millis = 0;
    if (deadline != 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no answer within the request timeout");
      }
      millis = Math.max(1, left / 1_000_000L);
    }
    selector.select(millis);
    selector.selectedKeys().clear();
  }

  private int timeoutMillis() {
    Integer override = TIMEOUT_OVERRIDE.get();
    return override != null ? override : requestTimeoutMillis;
  }

  private void advance() {
    current = (current + 1) % seeds.size();
  }

  private void drop() {
    closeQuietly(channel);
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        LOG.debug("closing a selector failed", e);
      }
    }
    channel = null;
    selector = null;
    key = null;
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a socket failed", e);
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
