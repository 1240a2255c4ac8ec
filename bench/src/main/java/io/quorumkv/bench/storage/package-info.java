/**
 * The storage benchmark: each engine loaded with durable puts from many threads (group commit),
 * then point gets (uniform and Zipfian), range scans, recovery after SIGKILL and memory per key,
 * with latencies in HdrHistogram. Each engine runs in its own child JVM so memory and recovery are
 * measured cleanly.
 */
package io.quorumkv.bench.storage;
