package io.quorumkv.bench.peers;

import java.util.Arrays;
import java.util.Collection;

/** Median, minimum and maximum of a few repetitions' values. NaN values are ignored. */
record Spread(double median, double min, double max, int n) {

  /** The spread of {@code values}; all NaN when there is no (non-NaN) value. */
  static Spread of(Collection<Double> values) {
    double[] v = values.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    Arrays.sort(v);
    int m = v.length / 2;
    double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    return new Spread(median, v[0], v[v.length - 1], v.length);
  }

  /** (max - min) / median: the relative width of the spread, NaN if the median is 0 or NaN. */
  double relative() {
    return median == 0 ? Double.NaN : (max - min) / median;
  }
}
