package io.quorumkv.bench.peers;

import java.util.List;
import java.util.Map;

/** One system under test, started by this benchmark on loopback and stopped by it. */
interface PeerSystem extends AutoCloseable {

  /**
   * The root processes whose CPU (with all descendants') is the system's; may change while it runs
   * (a standby added).
   */
  List<Long> pids();

  /** The system's own counters summed over its processes (QuorumKV's peer counters), or empty. */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /** Stops every process this system started (by PID) and removes its data; idempotent. */
  @Override
  void close();
}
