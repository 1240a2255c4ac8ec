package io.quorumkv.bench.peers.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.bench.peers.ycsb.QuorumKvJdbcBinding;
import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.server.LocalCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.htrace.core.HTraceConfiguration;
import org.apache.htrace.core.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBFactory;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

/**
 * Both QuorumKV targets against a real 3-node {@link LocalCluster} on loopback: load, then every
 * workload briefly with 4 clients; and the YCSB binding driven by YCSB's own machinery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuorumKvTargetsTest {

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
    for (int i = 1; i <= cluster.size(); i++) {
      String sql = cluster.sqlAddress(i);
      int colon = sql.lastIndexOf(':');
      // LocalCluster's layout: the native client port is the SQL port - 100
      int port = Integer.parseInt(sql.substring(colon + 1)) - 100;
      nativeAddresses.add(i + "=" + sql.substring(0, colon) + ":" + port);
    }
    jdbc = Targets.open("quorumkv-jdbc", cluster.jdbcUrl());
    nativeTarget = Targets.open("quorumkv-native", String.join(",", nativeAddresses));
    jdbc.load(TargetChecks.KEYS, 100, 4);
    nativeTarget.load(TargetChecks.KEYS, 100, 4);
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

  @Test
  void jdbcGetPutAndCompareAndSetMeanWhatTheySay() throws Exception {
    TargetChecks.checkSemantics(jdbc);
  }

  @Test
  void nativeGetPutAndCompareAndSetMeanWhatTheySay() throws Exception {
    TargetChecks.checkSemantics(nativeTarget);
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void jdbcTargetRunsEveryWorkload(Workload w) throws Exception {
    TargetChecks.check(jdbc, w);
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void nativeTargetRunsEveryWorkload(Workload w) throws Exception {
    TargetChecks.check(nativeTarget, w);
  }

  @Test
  void ycsbBindingServesYcsbsOwnLoadAndOperations() throws Exception {
    Properties p = new Properties();
    p.setProperty("quorumkv.url", cluster.jdbcUrl());
    p.setProperty("table", "ycsbtest");
    p.setProperty("recordcount", "20");
    p.setProperty("operationcount", "40");
    p.setProperty("fieldcount", "3");
    p.setProperty("fieldlength", "20");
    Measurements.setProperties(p);
    // what YCSB's client does: the DB by class name (wrapped in YCSB's measuring DBWrapper)
    DB db =
        DBFactory.newDB(
            QuorumKvJdbcBinding.class.getName(),
            p,
            new Tracer.Builder("ycsb").conf(HTraceConfiguration.EMPTY).build());
    db.init();
    try {
      CoreWorkload workload = new CoreWorkload();
      workload.init(p);
      Object state = workload.initThread(p, 0, 1);
      for (int i = 0; i < 20; i++) {
        assertThat(workload.doInsert(db, state)).isTrue(); // YCSB's load phase
      }
      for (int i = 0; i < 40; i++) {
        assertThat(workload.doTransaction(db, state)).isTrue(); // workload A's mix by default
      }

      Vector<HashMap<String, ByteIterator>> all = new Vector<>();
      assertThat(db.scan("ycsbtest", "", 100, null, all)).isEqualTo(Status.OK);
      assertThat(all).hasSize(20);
      assertThat(all.get(0)).containsOnlyKeys("field0", "field1", "field2");

      Vector<HashMap<String, ByteIterator>> some = new Vector<>();
      assertThat(db.scan("ycsbtest", "user", 10, Set.of("field1"), some)).isEqualTo(Status.OK);
      assertThat(some).hasSize(10);
      assertThat(some.get(0)).containsOnlyKeys("field1");

      String key = "user-binding-test";
      Map<String, ByteIterator> record = new HashMap<>();
      for (String f : List.of("field0", "field1", "field2")) {
        record.put(f, new StringByteIterator(f + " value"));
      }
      assertThat(db.insert("ycsbtest", key, record)).isEqualTo(Status.OK);
      assertThat(db.update("ycsbtest", key, Map.of("field1", new StringByteIterator("changed"))))
          .isEqualTo(Status.OK);
      Map<String, ByteIterator> read = new HashMap<>();
      assertThat(db.read("ycsbtest", key, null, read)).isEqualTo(Status.OK);
      assertThat(StringByteIterator.getStringMap(read))
          .isEqualTo(
              Map.of("field0", "field0 value", "field1", "changed", "field2", "field2 value"));
      assertThat(db.delete("ycsbtest", key)).isEqualTo(Status.OK);
      assertThat(db.read("ycsbtest", key, null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
      assertThat(db.update("ycsbtest", key, Map.of("field1", new StringByteIterator("x"))))
          .isEqualTo(Status.NOT_FOUND);
    } finally {
      db.cleanup();
    }
  }
}
