package io.quorumkv.bench.peers.load;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Opens the targets of the comparison by kind. */
public final class Targets {
  private Targets() {}

  /** The kinds {@link #open} accepts. */
  public static final List<String> KINDS =
      List.of("etcd", "postgres", "quorumkv-jdbc", "quorumkv-native");

  /**
   * Opens a target.
   *
   * @param kind {@code etcd}, {@code postgres}, {@code quorumkv-jdbc} or {@code quorumkv-native}
   * @param connect for {@code etcd} comma-separated endpoints ({@code http://127.0.0.1:2379,...});
   *     for {@code postgres} a JDBC URL with the user ({@code
   *     jdbc:postgresql://127.0.0.1:5432/bench?user=bench}); for {@code quorumkv-jdbc} a QuorumKV
   *     JDBC URL ({@code jdbc:quorumkv://127.0.0.2:7300,...}); for {@code quorumkv-native} the
   *     nodes' native client addresses, comma-separated {@code host:port} (node ids 1, 2, ... in
   *     that order) or {@code id=host:port}
   * @throws Exception if the system cannot be reached
   */
  public static Target open(String kind, String connect) throws Exception {
    return switch (kind) {
      case "etcd" -> new EtcdTarget(connect);
      case "postgres" -> new PostgresTarget(connect);
      case "quorumkv-jdbc" -> new QuorumKvJdbcTarget(connect);
      case "quorumkv-native" -> new QuorumKvNativeTarget(connect);
      default ->
          throw new IllegalArgumentException(
              "unknown target kind '" + kind + "', expected one of " + KINDS);
    };
  }

  /** Writes one key range of a load; called from several threads at once. */
  interface RangeLoader {
    void load(long from, long to, SplittableRandom random) throws Exception;
  }

  /**
   * Loads keys {@code [0, keys)} in {@code writers} contiguous ranges, each on its own thread with
   * its own random source for the values.
   */
  static void inParallel(long keys, int writers, RangeLoader loader) throws Exception {
    int n = (int) Math.max(1, Math.min(writers, keys));
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long from = keys * i / n;
        long to = keys * (i + 1) / n;
        SplittableRandom random = new SplittableRandom(0x5EEDL + i);
        parts.add(
            pool.submit(
                () -> {
                  loader.load(from, to, random);
                  return null;
                }));
      }
      for (Future<?> f : parts) {
        try {
          f.get();
        } catch (ExecutionException e) {
          for (Future<?> other : parts) {
            other.cancel(true);
          }
          throw e.getCause() instanceof Exception x ? x : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
