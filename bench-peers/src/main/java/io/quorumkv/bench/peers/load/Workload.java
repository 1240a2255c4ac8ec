package io.quorumkv.bench.peers.load;

/** The workloads of the comparison (issue 6). */
public enum Workload {
  /** Read a key, then compare-and-set it from the value read; counts applied and conflicts. */
  CAS,
  /** The same on 10 keys shared by all clients (heavy contention). */
  CAS_HOT,
  /** Unconditional overwrite of a random key. */
  PUT,
  /** Linearizable read of a random key. */
  GET,
  /** YCSB core workload A: 50% reads, 50% updates, Zipfian. */
  YCSB_A,
  /** YCSB core workload B: 95% reads, 5% updates, Zipfian. */
  YCSB_B,
  /** YCSB core workload C: 100% reads, Zipfian. */
  YCSB_C,
  /** YCSB core workload F: 50% reads, 50% read-modify-writes, Zipfian. */
  YCSB_F
}
