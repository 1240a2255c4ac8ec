package io.quorumkv.server.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The node's status page at {@code /}: plain HTML rendered here (no build toolchain, no script),
 * refreshing itself every 5 s. It shows readiness, the cluster's nodes by zone with their state,
 * and this node's operations by type and outcome with their mean latency, and its segments.
 *
 * <p>Stateless and thread-safe; rendered per request on an HTTP thread.
 */
public final class StatusPage {
  private StatusPage() {}

  /**
   * One node as the page lists it.
   *
   * @param id node id
   * @param zone its zone ({@code null}: unknown)
   * @param state {@code up}, {@code down} or {@code stopped}
   * @param segments segments the map places on it ({@code null}: unknown)
   * @param stateWrites key-state records it wrote since it started ({@code null}: unknown)
   */
  public record Node(int id, String zone, String state, Integer segments, Long stateWrites) {}

  /**
   * What the page shows.
   *
   * @param nodeId the serving node
   * @param notReady why it is not ready ({@code null}: ready)
   * @param nodes the cluster's nodes, or empty with {@code nodesError} set
   * @param nodesError why the nodes are unknown ({@code null}: they are known)
   * @param levels the gauges of {@code /metrics} (connections, segments) by map key
   */
  public record Status(
      int nodeId, String notReady, List<Node> nodes, String nodesError, Map<String, Long> levels) {}

  /** Renders {@code status} with this node's operation counts read from {@code registry}. */
  public static String render(Status status, PrometheusRegistry registry) {
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"5\">")
        .append("<title>QuorumKV node ")
        .append(status.nodeId())
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #999;padding:.2em .6em;text-align:left}")
        .append(".up{color:#070}.down{color:#b00}.stopped{color:#777}")
        .append("</style></head><body>\n<h1>QuorumKV node ")
        .append(status.nodeId())
        .append("</h1>\n<p id=\"ready\">");
    if (status.notReady() == null) {
      h.append("<b class=\"up\">ready</b>");
    } else {
      h.append("<b class=\"down\">not ready</b>: ").append(escape(status.notReady()));
    }
    h.append("</p>\n<h2>Nodes</h2>\n");
    if (status.nodesError() != null) {
      h.append("<p>").append(escape(status.nodesError())).append("</p>\n");
    } else {
      h.append("<table id=\"nodes\"><tr><th>zone</th><th>node</th><th>state</th>")
          .append("<th>segments</th><th>state writes</th></tr>\n");
      status.nodes().stream()
          .sorted(
              (a, b) ->
                  a.zone() == null || b.zone() == null || a.zone().equals(b.zone())
                      ? Integer.compare(a.id(), b.id())
                      : a.zone().compareTo(b.zone()))
          .forEach(
              n ->
                  h.append("<tr><td>")
                      .append(escape(n.zone() == null ? "?" : n.zone()))
                      .append("</td><td>")
                      .append(n.id())
                      .append("</td><td class=\"")
                      .append(escape(n.state()))
                      .append("\">")
                      .append(escape(n.state()))
                      .append("</td><td>")
                      .append(n.segments() == null ? "" : n.segments())
                      .append("</td><td>")
                      .append(n.stateWrites() == null ? "" : n.stateWrites())
                      .append("</td></tr>\n"));
      h.append("</table>\n");
    }
    h.append("<h2>Operations coordinated by this node</h2>\n")
        .append("<table id=\"operations\"><tr><th>type</th><th>outcome</th><th>count</th></tr>\n");
    for (MetricSnapshot m : registry.scrape(n -> n.startsWith(NodeMetrics.PREFIX + "operation"))) {
      if (m instanceof CounterSnapshot c) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          h.append("<tr><td>")
              .append(escape(p.getLabels().get("type")))
              .append("</td><td>")
              .append(escape(p.getLabels().get("outcome")))
              .append("</td><td>")
              .append((long) p.getValue())
              .append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n<table id=\"latency\"><tr><th>type</th><th>operations</th>")
        .append("<th>mean latency (ms)</th></tr>\n");
    for (MetricSnapshot m : registry.scrape(n -> n.startsWith(NodeMetrics.PREFIX + "operation"))) {
      if (m instanceof HistogramSnapshot hs) {
        for (HistogramSnapshot.HistogramDataPointSnapshot p : hs.getDataPoints()) {
          long count = p.getCount();
          h.append("<tr><td>")
              .append(escape(p.getLabels().get("type")))
              .append("</td><td>")
              .append(count)
              .append("</td><td>")
              .append(
                  count == 0 ? "" : String.format(Locale.ROOT, "%.3f", p.getSum() * 1e3 / count))
              .append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n<h2>This node</h2>\n<table id=\"levels\">\n");
    status
        .levels()
        .forEach(
            (k, v) ->
                h.append("<tr><td>")
                    .append(escape(k))
                    .append("</td><td>")
                    .append(v)
                    .append("</td></tr>\n"));
    h.append("</table>\n<p><a href=\"/metrics\">/metrics</a> · <a href=\"/health\">/health</a>")
        .append(" · <a href=\"/ready\">/ready</a></p>\n</body></html>\n");
    return h.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
