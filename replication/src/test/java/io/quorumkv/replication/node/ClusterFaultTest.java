package io.quorumkv.replication.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop/restart, catch-up, garbage on the ports, in-process updates, port conflicts. */
class ClusterFaultTest {
  @TempDir Path dir;

  private static Bytes b(String s) {
    return Bytes.utf8(s);
  }

  @Test
  void writesContinueWithTwoNodesAndTheRestartedNodeCatchesUp() throws Exception {
    try (TestCluster c = new TestCluster(3, "bitcask", dir).startAll();
        QuorumClient client = c.client(7)) {
      c.awaitConnected();
      for (int i = 0; i < 20; i++) {
        assertThat(client.put(b("k" + i), b("v" + i)).get()).isInstanceOf(CasResult.Applied.class);
      }
      c.stop(3);
      // two of three alive: every write still succeeds (failover skips the dead node)
      for (int i = 0; i < 20; i++) {
        CasResult r = client.cas(b("k" + i), b("v" + i), b("w" + i)).get();
        assertThat(r).as("key k%d", i).isInstanceOf(CasResult.Applied.class);
      }
      c.start(3);
      c.awaitConnected();
      // node 3 coordinates reads of keys written while it was down: it must see the new values
      for (int i = 0; i < 20; i++) {
        Outcome o = c.nodes[3].submit(b("k" + i), new Operation.Read(), null, false, 2000).get();
        assertThat(o).isEqualTo(new Outcome.ReadOk(b("w" + i), 2));
      }
      // ...and has learned them into its own storage (catch-up), so it can lose another node
      c.stop(1);
      for (int i = 0; i < 20; i++) {
        Outcome o = c.nodes[3].submit(b("k" + i), new Operation.Read(), null, false, 2000).get();
        assertThat(o).isEqualTo(new Outcome.ReadOk(b("w" + i), 2));
      }
      assertThat(client.cas(b("k0"), b("w0"), b("x0")).get()).isInstanceOf(CasResult.Applied.class);
    }
  }

  @Test
  void garbageOnThePeerAndClientPortsClosesOnlyThatConnection() throws Exception {
    try (TestCluster c = new TestCluster(3, "memory", dir).startAll();
        QuorumClient client = c.client(8)) {
      c.awaitConnected();
      assertThat(client.put(b("k"), b("1")).get()).isInstanceOf(CasResult.Applied.class);
      Random rnd = new Random(42);
      for (InetSocketAddress target :
          List.of(c.nodes[2].peerAddress(), c.nodes[2].clientAddress())) {
        for (int round = 0; round < 3; round++) {
          byte[] garbage = new byte[64 + rnd.nextInt(256)];
          rnd.nextBytes(garbage);
          if (round == 1) {
            garbage[0] = 0x7f; // a length prefix far above the maximum frame size
          } else if (round == 2) {
            garbage[0] = 0; // a short frame with a bad version byte
            garbage[1] = 0;
            garbage[2] = 0;
            garbage[3] = 8;
            garbage[4] = 99;
          }
          try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(TestCluster.host(1), 0));
            s.connect(target, 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(garbage);
            out.flush();
            assertThat(readUntilClosed(s.getInputStream()))
                .as("%s closes a connection that sent garbage", target)
                .isTrue();
          }
        }
      }
      // the node and its other connections are unharmed
      assertThat(c.nodes[2].connectedTo(1)).isTrue();
      assertThat(c.nodes[2].connectedTo(3)).isTrue();
      for (int i = 0; i < 10; i++) {
        assertThat(client.cas(b("k"), b("" + (i + 1)), b("" + (i + 2))).get())
            .isInstanceOf(CasResult.Applied.class);
      }
      Outcome o = c.nodes[2].submit(b("k"), new Operation.Read(), null, false, 2000).get();
      assertThat(o).isEqualTo(new Outcome.ReadOk(b("11"), 11));
    }
  }

  private static boolean readUntilClosed(InputStream in) throws IOException {
    byte[] buf = new byte[256];
    while (true) {
      int n = in.read(buf);
      if (n < 0) {
        return true;
      }
    }
  }

  @Test
  void concurrentInProcessIncrementsFromEveryNodeLoseNothing() throws Exception {
    Operation.UpdateFunction increment =
        (cur, v) ->
            new Operation.Decision.Write(
                b(Integer.toString(cur == null ? 1 : Integer.parseInt(cur.toString()) + 1)));
    try (TestCluster c = new TestCluster(3, "memory", dir).startAll()) {
      c.awaitConnected();
      List<CompletableFuture<Outcome>> all = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        ReplicaNode n = c.nodes[1 + i % 3];
        all.add(
            n.submit(
                b("counter"),
                new Operation.Update(increment),
                new RequestId(50 + i % 3, i),
                false,
                5000));
      }
      int applied = 0;
      int unknown = 0;
      List<Long> versions = new ArrayList<>();
      for (CompletableFuture<Outcome> f : all) {
        Outcome o = f.get();
        if (o instanceof CasResult.Applied a) {
          applied++;
          versions.add(a.version());
          if (a.valueKnown()) {
            assertThat(a.value()).isEqualTo(b(Long.toString(a.version())));
          }
        } else {
          assertThat(o).isInstanceOf(CasResult.Unknown.class);
          unknown++;
        }
      }
      Outcome.ReadOk r =
          (Outcome.ReadOk)
              c.nodes[1].submit(b("counter"), new Operation.Read(), null, false, 2000).get();
      int finalValue = Integer.parseInt(r.value().toString());
      assertThat(finalValue).isBetween(applied, applied + unknown);
      assertThat(versions).doesNotHaveDuplicates();
      assertThat(unknown).isLessThan(15);
    }
  }

  @Test
  void aPortInUseIsAClearError() throws Exception {
    TestCluster c = new TestCluster(3, "memory", dir);
    c.start(1);
    try {
      NodeConfig clash = c.configs[1];
      var engine =
          io.quorumkv.storage.StorageEngineProvider.open("memory", dir, java.util.Map.of());
      assertThat(
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> ReplicaNode.start(clash, engine)))
          .isInstanceOf(NodeStartException.class)
          // The client port is bound first (before any peer is dialed), so it is the one named.
          .hasMessageContaining("cannot listen on " + clash.host() + ":" + clash.clientPort())
          .hasMessageContaining("client port");
    } finally {
      c.close();
    }
  }
}
