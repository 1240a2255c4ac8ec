package io.quorumkv.bench.peers.load;

/**
 * What one measured run produced. Latencies are of single operations as the client saw them (a CAS
 * op is the read plus the conditional write); {@code applied}/{@code conflicts} count conditional
 * writes, {@code errors} failed or unknown operations.
 */
public record RunResult(
    String target,
    Workload workload,
    int clients,
    long ops,
    double seconds,
    double opsPerSecond,
    long p50Micros,
    long p99Micros,
    long p999Micros,
    long applied,
    long conflicts,
    long errors) {}
