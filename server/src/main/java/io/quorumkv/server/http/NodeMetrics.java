package io.quorumkv.server.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.quorumkv.server.store.OperationObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One node's Prometheus registry. Operations of the SQL layer's store are counted and timed here
 * (as an {@link OperationObserver}, with every label combination resolved up front so an operation
 * costs a few adder increments and no allocation); everything else is read at scrape time from the
 * counters the node keeps anyway ({@code ReplicaNode.metrics()}, the engine's metrics) and from
 * gauges the caller computes (connections, segments), plus the JVM's metrics.
 *
 * <p>Thread-safe. Each node has its own registry, so the nodes of a local cluster (one process)
 * export separately, each on its own {@code http.port}.
 */
public final class NodeMetrics implements OperationObserver {
  /** Metric names start with this. */
  static final String PREFIX = "qkv_";

  /**
   * Keys of the node's map that only ever grow (exported as counters); every other key is a level
   * (a gauge: keys, files, cache entries, RocksDB properties, ...).
   */
  private static final Set<String> COUNTERS =
      Set.of(
          "requests",
          "requests.forwarded",
          "requests.retried-after-move",
          "requests.forwarded.served",
          "state.writes",
          "state.batches",
          "state.batches.unsynced",
          "paxos.prepares.sent",
          "paxos.accepts.sent",
          "paxos.rejects.received",
          "paxos.retries",
          "paxos.exactly-once.hits",
          "peer.messages.sent",
          "peer.frames.sent",
          "peer.bytes.sent",
          "peer.flushes",
          "peer.frames.received",
          "peer.bytes.received",
          "messages.dropped",
          "commit.groups",
          "commit.requests",
          "commit.syncs",
          "rollovers",
          "merges",
          "bytes.written",
          "cache.hits",
          "cache.misses",
          "cache.evictions",
          "cache.evicted.bytes");

  /** Latency bucket bounds in seconds: 100 µs to 10 s. */
  private static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint[][] operations;
  private final DistributionDataPoint[] latency;

  /**
   * A registry over the node's counters and gauges.
   *
   * @param counters the node's metrics map ({@code ReplicaNode.metrics()}), read once per scrape
   * @param gauges levels the node computes at scrape time (connections, segments held, ...), read
   *     once per scrape; names as in the map ({@code a.b-c} becomes {@code qkv_a_b_c})
   */
  public NodeMetrics(Supplier<Map<String, Long>> counters, Supplier<Map<String, Long>> gauges) {
    Objects.requireNonNull(counters);
    Objects.requireNonNull(gauges);
    Counter ops =
        Counter.builder()
            .name(PREFIX + "operations")
            .help("Operations of the SQL layer coordinated by this node, by type and outcome")
            .labelNames("type", "outcome")
            .register(registry);
    Histogram duration =
        Histogram.builder()
            .name(PREFIX + "operation_duration_seconds")
            .help("Latency of the SQL layer's operations coordinated by this node, by type")
            .labelNames("type")
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .register(registry);
    Type[] types = Type.values();
    Outcome[] outcomes = Outcome.values();
    operations = new CounterDataPoint[types.length][outcomes.length];
    latency = new DistributionDataPoint[types.length];
    for (Type t : types) {
      latency[t.ordinal()] = duration.labelValues(label(t));
      for (Outcome o : outcomes) {
        // resolved now, so that every series is exported (at 0) before its first operation
        operations[t.ordinal()][o.ordinal()] = ops.labelValues(label(t), label(o));
      }
    }
    registry.register(new NodeCollector(counters, gauges));
    JvmMetrics.builder().register(registry);
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The registry ({@code /metrics} serves it). */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void completed(Type type, Outcome outcome, long nanos) {
    operations[type.ordinal()][outcome.ordinal()].inc();
    latency[type.ordinal()].observe(nanos / 1e9);
  }

  /** {@code a.b-c} as a metric name: {@code qkv_a_b_c}. */
  static String metricName(String key) {
    StringBuilder b = new StringBuilder(PREFIX);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  /** Reads the node's map and the gauges once per scrape and turns them into snapshots. */
  private static final class NodeCollector implements MultiCollector {
    private final Supplier<Map<String, Long>> counters;
    private final Supplier<Map<String, Long>> gauges;

    NodeCollector(Supplier<Map<String, Long>> counters, Supplier<Map<String, Long>> gauges) {
      this.counters = counters;
      this.gauges = gauges;
    }

    @Override
    public MetricSnapshots collect() {
      List<MetricSnapshot> out = new ArrayList<>();
      Set<String> names = new HashSet<>();
      add(out, names, counters.get(), true);
      add(out, names, gauges.get(), false);
      return new MetricSnapshots(out);
    }

    private static void add(
        List<MetricSnapshot> out, Set<String> names, Map<String, Long> values, boolean node) {
      for (Map.Entry<String, Long> e : values.entrySet()) {
        String name = metricName(e.getKey());
        if (name.endsWith("_total")) {
          name = name.substring(0, name.length() - "_total".length());
        }
        if (!names.add(name)) {
          continue; // two keys that read alike as a metric name: the first one is exported
        }
        double v = e.getValue();
        String help = "QuorumKV " + e.getKey();
        if (node && COUNTERS.contains(e.getKey())) {
          out.add(
              CounterSnapshot.builder()
                  .name(name)
                  .help(help)
                  .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v).build())
                  .build());
        } else {
          out.add(
              GaugeSnapshot.builder()
                  .name(name)
                  .help(help)
                  .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).build())
                  .build());
        }
      }
    }
  }
}
