package io.quorumkv.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgTest {

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static List<String> seriesNames(Document d) {
    List<String> names = new ArrayList<>();
    NodeList gs = d.getElementsByTagName("g");
    for (int i = 0; i < gs.getLength(); i++) {
      names.add(((Element) gs.item(i)).getAttribute("data-name"));
    }
    return names;
  }

  @Test
  void lineChartIsWellFormedWithOnePathPerSeries() throws Exception {
    String svg =
        Svg.lineChart(
            "cas <p99> & throughput",
            "ops/s",
            "p99 µs",
            true,
            List.of(
                new Svg.Series(
                    "etcd",
                    List.of(new Svg.Point(100, 9000, "1"), new Svg.Point(900, 90_000, "64"))),
                new Svg.Series(
                    "quorumkv-jdbc",
                    List.of(
                        new Svg.Point(300, 3000, "1"),
                        new Svg.Point(Double.NaN, 1, "16"),
                        new Svg.Point(5000, 20_000, "64")))));
    Document d = parse(svg);
    assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(seriesNames(d)).containsExactly("etcd", "quorumkv-jdbc");
    assertThat(d.getElementsByTagName("path").getLength()).isEqualTo(2);
    assertThat(d.getElementsByTagName("circle").getLength()).isEqualTo(4); // the NaN point left out
    assertThat(svg).contains("cas &lt;p99&gt; &amp; throughput");
  }

  @Test
  void barChartHasOneBarPerValue() throws Exception {
    String svg =
        Svg.barChart(
            "ops/s",
            "ops/s",
            List.of("cas", "get"),
            List.of("etcd", "postgres", "quorumkv-jdbc"),
            new double[][] {{1000, 5000}, {4000, Double.NaN}, {6000, 50_000}});
    Document d = parse(svg);
    assertThat(seriesNames(d)).containsExactly("etcd", "postgres", "quorumkv-jdbc");
    // background + 3 legend boxes + 5 bars
    assertThat(d.getElementsByTagName("rect").getLength()).isEqualTo(1 + 3 + 5);
  }

  @Test
  void axesRoundToNiceValues() {
    assertThat(Svg.Axis.linear(0, 5400).max()).isEqualTo(6000);
    Svg.Axis log = Svg.Axis.log(3000, 250_000);
    assertThat(log.min()).isEqualTo(1000);
    assertThat(log.max()).isEqualTo(1_000_000);
    assertThat(log.ticks()).containsExactly(1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6);
    assertThat(Svg.compact(1500)).isEqualTo("1.5k");
    assertThat(Svg.compact(250_000)).isEqualTo("250k");
  }
}
