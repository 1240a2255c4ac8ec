/**
 * The node's HTTP port ({@code http.port}): Prometheus metrics at {@code /metrics} ({@link
 * io.quorumkv.server.http.NodeMetrics}, mostly read at scrape time from the counters the
 * replication node and the storage engine keep anyway), liveness at {@code /health} and readiness
 * at {@code /ready} ({@link io.quorumkv.server.http.HttpEndpoint}). server/METRICS.md lists the
 * metrics.
 */
package io.quorumkv.server.http;
