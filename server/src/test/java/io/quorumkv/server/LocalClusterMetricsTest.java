package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP port of a real 3-node local cluster, over real HTTP on loopback: {@code /metrics} parses
 * as Prometheus text exposition and its counters move with a JDBC workload (operations by type and
 * outcome, the latency histogram, Paxos accepts, fsyncs); {@code /health} and {@code /ready} answer
 * 200, and {@code /ready} turns 503 with a reason once the node's two peers are stopped.
 */
class LocalClusterMetricsTest {
  @TempDir Path dir;

  private LocalCluster cluster;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** One sample line: name, optional labels, value, optional timestamp. */
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)"
              + "(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?"
              + " (NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)( -?[0-9]+)?");

  private static final Pattern TYPE =
      Pattern.compile(
          "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");

  private static final Pattern HELP = Pattern.compile("# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  /**
   * Parses a scrape as the Prometheus text format (version 0.0.4): every line is a HELP, a TYPE or
   * a sample of a family typed before it; returns each series (name plus labels) with its value.
   */
  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new HashMap<>();
    Set<String> typed = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        assertThat(typed.add(t.group(1))).as("TYPE given twice: %s", line).isTrue();
        continue;
      }
      if (line.startsWith("#")) {
        assertThat(line).as("a comment line").matches(HELP);
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: %s", line).isTrue();
      String name = m.group(1);
      String family = name.replaceAll("_(total|count|sum|bucket|created)$", "");
      assertThat(typed.contains(name) || typed.contains(family))
          .as("sample of an untyped family: %s", line)
          .isTrue();
      String key = name + (m.group(2) == null ? "" : m.group(2));
      assertThat(series.put(key, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))))
          .as("series given twice: %s", key)
          .isNull();
    }
    return series;
  }

  private HttpResponse<String> get(InetSocketAddress a, String path)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://" + a.getHostString() + ":" + a.getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Double> scrape(InetSocketAddress a) throws IOException, InterruptedException {
    HttpResponse<String> r = get(a, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    return parse(r.body());
  }

  private static double value(Map<String, Double> m, String series) {
    assertThat(m).containsKey(series);
    return m.get(series);
  }

  @Test
  void metricsMoveWithAWorkloadAndReadyFollowsTheQuorum() throws Exception {
    cluster = LocalClusters.start(dir, LocalCluster.DEFAULT_SIZE).cluster();
    QuorumKvServer one = cluster.running(1).orElseThrow();
    InetSocketAddress h = one.httpAddress();
    assertThat(h.getPort()).isEqualTo(one.config().httpPort());

    assertThat(get(h, "/health").statusCode()).isEqualTo(200);
    assertThat(get(h, "/health").body()).isEqualTo("alive\n");
    // Ready once the process's SQL warm-up is done: poll (a bound of 60 s, not a measurement).
    long warm = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> first = get(h, "/ready");
    while (first.statusCode() != 200 && System.nanoTime() < warm) {
      assertThat(first.statusCode()).isEqualTo(503);
      Thread.sleep(20);
      first = get(h, "/ready");
    }
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("ready\n");
    assertThat(get(h, "/nothing").statusCode()).isEqualTo(404);

    Map<String, Double> before = scrape(h);
    String update = "qkv_operations_total{outcome=\"applied\",type=\"update\"}";
    String notApplied = "qkv_operations_total{outcome=\"not_applied\",type=\"update\"}";
    String reads = "qkv_operations_total{outcome=\"applied\",type=\"get\"}";
    String latency = "qkv_operation_duration_seconds_count{type=\"update\"}";
    assertThat(before).containsKeys(update, notApplied, reads, latency, "jvm_threads_current");

    InetSocketAddress sql = one.sqlAddress();
    String url = "jdbc:quorumkv://" + sql.getHostString() + ":" + sql.getPort();
    int rows = 20;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE m (id BIGINT PRIMARY KEY, v INTEGER)");
      for (int i = 0; i < rows; i++) {
        s.execute("INSERT INTO m (id, v) VALUES (" + i + ", 1)");
      }
      for (int i = 0; i < rows; i++) {
        s.execute("UPDATE m SET v = 2 WHERE id = " + i + " IF v = 7"); // never holds
        s.executeQuery("SELECT v FROM m WHERE id = " + i).close();
      }
    }

    Map<String, Double> after = scrape(h);
    assertThat(value(after, update) - value(before, update)).isGreaterThanOrEqualTo(rows);
    assertThat(value(after, notApplied) - value(before, notApplied)).isGreaterThanOrEqualTo(rows);
    assertThat(value(after, reads) - value(before, reads)).isGreaterThanOrEqualTo(rows);
    assertThat(value(after, latency) - value(before, latency)).isGreaterThanOrEqualTo(2.0 * rows);
    assertThat(value(after, "qkv_paxos_accepts_sent_total"))
        .isGreaterThan(value(before, "qkv_paxos_accepts_sent_total"));
    assertThat(value(after, "qkv_commit_syncs_total"))
        .isGreaterThan(value(before, "qkv_commit_syncs_total"));
    assertThat(value(after, "qkv_requests_total"))
        .isGreaterThan(value(before, "qkv_requests_total"));
    assertThat(after).containsKeys("qkv_paxos_exactly_once_hits_total", "qkv_paxos_retries_total");
    assertThat(value(after, "qkv_connections_peer")).isEqualTo(2.0);
    assertThat(value(after, "qkv_segments_held")).isGreaterThan(0.0);

    cluster.stop(2);
    cluster.stop(3);
    // The stops run in the background and the peers' connections close asynchronously: poll (up
    // to 30 s, a bound, not a measurement) until node 1 has seen them go.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> ready = get(h, "/ready");
    while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      ready = get(h, "/ready");
    }
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("no quorum: reaches 1 of the 3 nodes").endsWith("\n");
    assertThat(ready.body().strip()).doesNotContain("\n");
    assertThat(get(h, "/health").statusCode()).isEqualTo(200);
  }
}
