package io.quorumkv.bench.peers;

import io.quorumkv.bench.peers.load.RunResult;
import io.quorumkv.bench.peers.load.Workload;

/**
 * One measured repetition of one cell of the matrix, with what was sampled around its window.
 *
 * @param system the row label: {@code etcd}, {@code postgres}, {@code postgres-sync}, {@code
 *     quorumkv-jdbc}, {@code quorumkv-native} or {@code quorumkv-native-nomerge}
 * @param rep the repetition, from 1
 * @param run what the load generator measured
 * @param systemCpuSeconds CPU seconds of the system's processes over the window (NaN if unknown)
 * @param loaderCpuSeconds CPU seconds of the load-generator JVM over the window
 * @param peerMessages QuorumKV peer messages sent by all nodes in the window (-1: not QuorumKV)
 * @param peerFrames QuorumKV peer frames sent by all nodes in the window (-1: not QuorumKV)
 */
record Sample(
    String system,
    Workload workload,
    int clients,
    int rep,
    RunResult run,
    double systemCpuSeconds,
    double loaderCpuSeconds,
    long peerMessages,
    long peerFrames) {

  /** System CPU seconds per 1,000 operations. */
  double cpuPer1k() {
    return run.ops() == 0 ? Double.NaN : systemCpuSeconds * 1000 / run.ops();
  }

  /** Load-generator CPU seconds per 1,000 operations. */
  double loaderCpuPer1k() {
    return run.ops() == 0 ? Double.NaN : loaderCpuSeconds * 1000 / run.ops();
  }

  /** Peer messages per operation, NaN if not measured. */
  double messagesPerOp() {
    return peerMessages < 0 || run.ops() == 0 ? Double.NaN : peerMessages / (double) run.ops();
  }

  /** Peer frames (network writes of merged messages) per operation, NaN if not measured. */
  double framesPerOp() {
    return peerFrames < 0 || run.ops() == 0 ? Double.NaN : peerFrames / (double) run.ops();
  }
}
