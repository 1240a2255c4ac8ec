package io.quorumkv.bench.peers.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.server.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both QuorumKV targets against a real 3-node {@link LocalCluster} on loopback: load, then every
 * workload briefly with 4 clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuorumKvTargetsTest {

  private static final long KEYS = 200;

  private LocalCluster cluster;
  private Target jdbc;
  private Target nativeTarget;

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    boolean shared = !LocalCluster.loopbackAddressesUsable();
    for (int attempt = 1; cluster == null; attempt++) {
      // A random base: ports base, base+100, base+200 (+1..3 when sharing 127.0.0.1) must be free.
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      try {
        cluster = LocalCluster.start(dir.resolve("cluster-" + attempt), shared, base);
      } catch (NodeStartException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
    List<String> nativeAddresses = new ArrayList<>();
    for (int i = 1; i <= LocalCluster.SIZE; i++) {
      String sql = cluster.sqlAddress(i);
      int colon = sql.lastIndexOf(':');
      // LocalCluster's layout: the native client port is the SQL port - 100
      int port = Integer.parseInt(sql.substring(colon + 1)) - 100;
      nativeAddresses.add(i + "=" + sql.substring(0, colon) + ":" + port);
    }
    jdbc = Targets.open("quorumkv-jdbc", cluster.jdbcUrl());
    nativeTarget = Targets.open("quorumkv-native", String.join(",", nativeAddresses));
    jdbc.load(KEYS, 100, 4);
    nativeTarget.load(KEYS, 100, 4);
  }

  @AfterAll
  void stopCluster() {
    if (jdbc != null) {
      jdbc.close();
    }
    if (nativeTarget != null) {
      nativeTarget.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void check(Target target, Workload w) throws Exception {
    RunResult r =
        LoadGenerator.run(
            target,
            w,
            new LoadOptions(KEYS, 100, 4, Duration.ofMillis(200), Duration.ofSeconds(1), 1),
            MeasureListener.NONE);
    assertThat(r.errors()).as("%s errors", w).isZero();
    assertThat(r.ops()).as("%s ops", w).isPositive();
    if (w == Workload.CAS || w == Workload.CAS_HOT) {
      assertThat(r.applied()).isPositive();
      assertThat(r.applied() + r.conflicts()).isEqualTo(r.ops());
    }
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void jdbcTargetRunsEveryWorkload(Workload w) throws Exception {
    check(jdbc, w);
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void nativeTargetRunsEveryWorkload(Workload w) throws Exception {
    check(nativeTarget, w);
  }
}
