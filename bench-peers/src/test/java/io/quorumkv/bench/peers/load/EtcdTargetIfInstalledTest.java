package io.quorumkv.bench.peers.load;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The etcd target against a real single-member etcd, started from {@code /usr/bin/etcd} (Debian's
 * {@code etcd-server}); skipped where etcd is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdTargetIfInstalledTest {
  private static final Path ETCD = Path.of("/usr/bin/etcd");

  private Path dir;
  private Process etcd;
  private Target target;

  @BeforeAll
  void startEtcd() throws Exception {
    assumeTrue(Files.isExecutable(ETCD), "etcd is not installed at " + ETCD);
    dir = Files.createTempDirectory("etcd-target-test");
    int client = TargetChecks.freePort();
    int peer = TargetChecks.freePort();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    etcd =
        new ProcessBuilder(
                List.of(
                    ETCD.toString(),
                    "--name=test",
                    "--data-dir=" + dir.resolve("data"),
                    "--listen-client-urls=" + clientUrl,
                    "--advertise-client-urls=" + clientUrl,
                    "--listen-peer-urls=" + peerUrl,
                    "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=test=" + peerUrl))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();
    awaitPort(client);
    target = Targets.open("etcd", clientUrl);
    target.load(TargetChecks.KEYS, 100, 4);
  }

  private void awaitPort(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        if (!etcd.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "etcd did not start; its log: " + Files.readString(dir.resolve("etcd.log")), e);
        }
        Thread.sleep(50); // polling the port: there is nothing to wait on
      }
    }
  }

  @AfterAll
  void stopEtcd() throws Exception {
    if (target != null) {
      target.close();
    }
    TargetChecks.stop(etcd);
    if (dir != null) {
      TargetChecks.deleteRecursively(dir);
    }
  }

  @Test
  void getPutAndCompareAndSetMeanWhatTheySay() throws Exception {
    TargetChecks.checkSemantics(target);
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void runsEveryWorkload(Workload w) throws Exception {
    TargetChecks.check(target, w);
  }
}
