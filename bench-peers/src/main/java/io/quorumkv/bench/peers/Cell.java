package io.quorumkv.bench.peers;

import io.quorumkv.bench.peers.load.Workload;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The repetitions of one system, workload and concurrency, summarised: medians (and the spread of
 * throughput) across repetitions; counts summed.
 */
record Cell(String system, Workload workload, int clients, List<Sample> samples) {

  Spread spread(ToDoubleFunction<Sample> f) {
    return Spread.of(samples.stream().map(s -> f.applyAsDouble(s)).toList());
  }

  Spread opsPerSecond() {
    return spread(s -> s.run().opsPerSecond());
  }

  double p50() {
    return spread(s -> s.run().p50Micros()).median();
  }

  double p99() {
    return spread(s -> s.run().p99Micros()).median();
  }

  double p999() {
    return spread(s -> s.run().p999Micros()).median();
  }

  double cpuPer1k() {
    return spread(Sample::cpuPer1k).median();
  }

  double loaderCpuPer1k() {
    return spread(Sample::loaderCpuPer1k).median();
  }

  double messagesPerOp() {
    return spread(Sample::messagesPerOp).median();
  }

  double framesPerOp() {
    return spread(Sample::framesPerOp).median();
  }

  long applied() {
    return samples.stream().mapToLong(s -> s.run().applied()).sum();
  }

  long conflicts() {
    return samples.stream().mapToLong(s -> s.run().conflicts()).sum();
  }

  long errors() {
    return samples.stream().mapToLong(s -> s.run().errors()).sum();
  }
}
