package io.quorumkv.replication.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one node's peer traffic, shared by all its peer channels: protocol messages, frames
 * (one per merged batch, or one per message when merging is off), flushes (each a {@code write}
 * system call at least) and bytes, in both directions. Thread-safe; updates are cheap ({@link
 * LongAdder}).
 */
public final class TransportStats {
  final LongAdder messagesSent = new LongAdder();
  final LongAdder framesSent = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder framesReceived = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();

  /** Counters, all zero. */
  public TransportStats() {}

  /** The counters by name ({@code peer.messages.sent}, {@code peer.frames.sent}, ...). */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("peer.messages.sent", messagesSent.sum());
    m.put("peer.frames.sent", framesSent.sum());
    m.put("peer.bytes.sent", bytesSent.sum());
    m.put("peer.flushes", flushes.sum());
    m.put("peer.frames.received", framesReceived.sum());
    m.put("peer.bytes.received", bytesReceived.sum());
    return m;
  }
}
