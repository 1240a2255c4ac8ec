package io.quorumkv.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two small charts as standalone SVG, written by hand so the benchmark needs no plotting library: a
 * scatter-line chart (latency against throughput) and a grouped bar chart (throughput per
 * workload).
 */
final class Svg {
  static final int WIDTH = 960;
  static final int HEIGHT = 540;
  private static final int LEFT = 90;
  private static final int RIGHT = 210;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;

  /** Distinguishable on white and for the common colour-vision deficiencies (Okabe-Ito). */
  static final List<String> COLOURS =
      List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000");

  private Svg() {}

  /** A point of a line series; {@code label} is written next to it (e.g. the client count). */
  record Point(double x, double y, String label) {}

  /** One named line. */
  record Series(String name, List<Point> points) {}

  /**
   * A chart of lines through points, each axis linear from 0 or logarithmic (throughput and latency
   * span decades across systems and concurrencies). Points with a NaN or (on a log axis)
   * non-positive coordinate are left out.
   */
  static String lineChart(
      String title, String xLabel, String yLabel, boolean log, List<Series> series) {
    List<Series> clean = new ArrayList<>();
    double minX = Double.POSITIVE_INFINITY;
    double maxX = 0;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = 0;
    for (Series s : series) {
      List<Point> ps =
          s.points().stream()
              .filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y()))
              .filter(p -> !log || (p.x() > 0 && p.y() > 0))
              .toList();
      clean.add(new Series(s.name(), ps));
      for (Point p : ps) {
        minX = Math.min(minX, p.x());
        maxX = Math.max(maxX, p.x());
        minY = Math.min(minY, p.y());
        maxY = Math.max(maxY, p.y());
      }
    }
    Axis x = log ? Axis.log(minX, maxX) : Axis.linear(0, maxX);
    Axis y = log ? Axis.log(minY, maxY) : Axis.linear(0, maxY);
    StringBuilder sb = begin(title);
    frame(sb, x, y, xLabel, yLabel);
    for (int i = 0; i < clean.size(); i++) {
      Series s = clean.get(i);
      String colour = COLOURS.get(i % COLOURS.size());
      StringBuilder path = new StringBuilder();
      for (Point p : s.points()) {
        path.append(path.length() == 0 ? "M" : " L")
            .append(fmt(px(x, p.x())))
            .append(',')
            .append(fmt(py(y, p.y())));
      }
      sb.append("<g class=\"series\" data-name=\"").append(esc(s.name())).append("\">\n");
      if (!s.points().isEmpty()) {
        sb.append("<path d=\"")
            .append(path)
            .append("\" fill=\"none\" stroke=\"")
            .append(colour)
            .append("\" stroke-width=\"2\"/>\n");
      }
      for (Point p : s.points()) {
        double cx = px(x, p.x());
        double cy = py(y, p.y());
        sb.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\"><title>%s</title></circle>%n",
                fmt(cx),
                fmt(cy),
                colour,
                esc(s.name() + " " + p.label() + ": " + fmt(p.x()) + ", " + fmt(p.y()))));
        sb.append(text(cx + 6, cy - 6, p.label(), "start", 11, colour));
      }
      sb.append("</g>\n");
      legend(sb, i, s.name(), colour, false);
    }
    return end(sb);
  }

  /**
   * Grouped bars: one group per entry of {@code groups}, one bar per series in it, each labelled
   * with its value; NaN values leave a gap.
   *
   * @param values {@code values[series][group]}
   */
  static String barChart(
      String title,
      String yLabel,
      List<String> groups,
      List<String> seriesNames,
      double[][] values) {
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          max = Math.max(max, v);
        }
      }
    }
    Axis y = Axis.linear(0, max * 1.1); // room for the value labels above the highest bar
    StringBuilder sb = begin(title);
    double plotW = WIDTH - LEFT - RIGHT;
    double groupW = plotW / Math.max(1, groups.size());
    double barW = groupW * 0.8 / Math.max(1, seriesNames.size());
    frame(sb, null, y, "", yLabel);
    for (int g = 0; g < groups.size(); g++) {
      double gx = LEFT + g * groupW;
      sb.append(text(gx + groupW / 2, HEIGHT - BOTTOM + 18, groups.get(g), "middle", 12, "#000"));
    }
    for (int s = 0; s < seriesNames.size(); s++) {
      String colour = COLOURS.get(s % COLOURS.size());
      sb.append("<g class=\"series\" data-name=\"").append(esc(seriesNames.get(s))).append("\">\n");
      for (int g = 0; g < groups.size(); g++) {
        double v = values[s][g];
        if (!Double.isFinite(v)) {
          continue;
        }
        double bx = LEFT + g * groupW + groupW * 0.1 + s * barW;
        double top = py(y, v);
        double base = py(y, 0);
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"><title>%s</title>"
                    + "</rect>%n",
                fmt(bx),
                fmt(top),
                fmt(barW * 0.92),
                fmt(base - top),
                colour,
                esc(seriesNames.get(s) + " " + groups.get(g) + ": " + fmt(v))));
        // Values vertically above the bar: groups of six bars leave no room for them horizontally.
        double tx = bx + barW * 0.46;
        double ty = top - 4;
        sb.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%s\" y=\"%s\" font-size=\"9\" font-family=\"sans-serif\" fill=\"#333\""
                    + " transform=\"rotate(-90 %s %s)\">%s</text>%n",
                fmt(tx + 3),
                fmt(ty),
                fmt(tx + 3),
                fmt(ty),
                esc(compact(v))));
      }
      sb.append("</g>\n");
      legend(sb, s, seriesNames.get(s), colour, true);
    }
    return end(sb);
  }

  /** An axis: linear from {@code min} to a rounded-up max, or log10 between powers of ten. */
  record Axis(double min, double max, boolean log, List<Double> ticks) {
    static Axis linear(double min, double max) {
      double top = max <= min ? min + 1 : max;
      double step = niceStep((top - min) / 5);
      double end = Math.ceil(top / step) * step;
      List<Double> ticks = new ArrayList<>();
      for (double t = min; t <= end + step / 2; t += step) {
        ticks.add(t);
      }
      return new Axis(min, end, false, ticks);
    }

    static Axis log(double min, double max) {
      double lo = Math.pow(10, Math.floor(Math.log10(Double.isFinite(min) ? min : 1)));
      double hi = Math.pow(10, Math.ceil(Math.log10(max > 0 ? max : 10)));
      if (hi <= lo) {
        hi = lo * 10;
      }
      List<Double> ticks = new ArrayList<>();
      // 1-2-5 ticks over up to three decades, powers of ten beyond
      boolean fine = hi / lo <= 1000;
      for (double t = lo; t <= hi * 1.001; t *= 10) {
        ticks.add(t);
        if (fine && t * 2 < hi) {
          ticks.add(t * 2);
          ticks.add(t * 5);
        }
      }
      return new Axis(lo, hi, true, ticks);
    }

    /** Where {@code v} falls between min (0) and max (1). */
    double frac(double v) {
      return log
          ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
          : (v - min) / (max - min);
    }
  }

  static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }

  private static double px(Axis x, double v) {
    return LEFT + x.frac(v) * (WIDTH - LEFT - RIGHT);
  }

  private static double py(Axis y, double v) {
    return HEIGHT - BOTTOM - y.frac(v) * (HEIGHT - TOP - BOTTOM);
  }

  private static StringBuilder begin(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    sb.append(text(WIDTH / 2.0, 28, title, "middle", 16, "#000"));
    return sb;
  }

  private static String end(StringBuilder sb) {
    return sb.append("</svg>\n").toString();
  }

  /** Axes, grid lines and tick labels; {@code x} null for a bar chart (categories, no ticks). */
  private static void frame(StringBuilder sb, Axis x, Axis y, String xLabel, String yLabel) {
    double x0 = LEFT;
    double x1 = WIDTH - RIGHT;
    double y0 = HEIGHT - BOTTOM;
    double y1 = TOP;
    for (double t : y.ticks()) {
      double ty = py(y, t);
      sb.append(line(x0, ty, x1, ty, "#ddd"));
      sb.append(text(x0 - 6, ty + 4, compact(t), "end", 11, "#333"));
    }
    if (x != null) {
      for (double t : x.ticks()) {
        double tx = px(x, t);
        sb.append(line(tx, y0, tx, y1, "#eee"));
        sb.append(text(tx, y0 + 16, compact(t), "middle", 11, "#333"));
      }
      sb.append(text((x0 + x1) / 2, HEIGHT - 22, xLabel, "middle", 13, "#000"));
    }
    sb.append(line(x0, y0, x1, y0, "#000"));
    sb.append(line(x0, y0, x0, y1, "#000"));
    double cy = (y0 + y1) / 2;
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"22\" y=\"%s\" font-size=\"13\" font-family=\"sans-serif\""
                + " text-anchor=\"middle\" transform=\"rotate(-90 22 %s)\">%s</text>%n",
            fmt(cy),
            fmt(cy),
            esc(yLabel)));
  }

  private static void legend(StringBuilder sb, int i, String name, String colour, boolean box) {
    double lx = WIDTH - RIGHT + 20;
    double ly = TOP + 10 + i * 22;
    if (box) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%s\" y=\"%s\" width=\"14\" height=\"10\" fill=\"%s\"/>%n",
              fmt(lx),
              fmt(ly - 9),
              colour));
    } else {
      sb.append(line(lx, ly - 4, lx + 14, ly - 4, colour).replace("/>", " stroke-width=\"3\"/>"));
    }
    sb.append(text(lx + 20, ly, name, "start", 12, "#000"));
  }

  private static String line(double x1, double y1, double x2, double y2, String colour) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"/>%n",
        fmt(x1),
        fmt(y1),
        fmt(x2),
        fmt(y2),
        colour);
  }

  private static String text(double x, double y, String s, String anchor, int size, String colour) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%s\" y=\"%s\" font-size=\"%d\" font-family=\"sans-serif\" text-anchor=\"%s\""
            + " fill=\"%s\">%s</text>%n",
        fmt(x),
        fmt(y),
        size,
        anchor,
        colour,
        esc(s));
  }

  /** 950, 1.2k, 35k, 1.5M. */
  static String compact(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
