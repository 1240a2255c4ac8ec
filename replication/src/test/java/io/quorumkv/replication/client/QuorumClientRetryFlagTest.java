package io.quorumkv.replication.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.RequestId;
import io.quorumkv.replication.transport.ClientCodec;
import io.quorumkv.replication.transport.ClientMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry flag a client puts on its first attempt, observed by a fake node that records each
 * request and answers "not applied" (as a node does for a retried CAS whose id left the window when
 * the flag is missing).
 */
class QuorumClientRetryFlagTest {
  private ServerSocket server;
  private Thread acceptor;
  private final List<ClientMessage.Request> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startFakeNode() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                  byte[] body = new byte[in.readInt()];
                  in.readFully(body);
                  ClientMessage.Request r = (ClientMessage.Request) ClientCodec.parse(body);
                  seen.add(r);
                  byte[] reply =
                      ClientCodec.body(
                          new ClientMessage.Response(r.tag(), new CasResult.NotApplied(null, 3)));
                  out.writeInt(reply.length);
                  out.write(reply);
                  out.flush();
                }
              } catch (IOException e) {
                // closed
              }
            },
            "fake-node");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join(5000);
  }

  private static Bytes b(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aReusedOrExplicitlyRetriedRequestIdCarriesTheRetryFlagFromItsFirstAttempt()
      throws Exception {
    try (QuorumClient client =
        QuorumClient.builder()
            .node(1, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))
            .timeout(Duration.ofSeconds(10))
            .build()) {
      Operation cas = new Operation.Cas(b("old"), b("new"));
      RequestId id = client.nextRequestId();
      client.execute(b("k"), cas, id).get();
      // the documented retry after an unknown outcome: the same id again
      client.execute(b("k"), cas, id).get();
      // an id from an earlier incarnation of the client, which this instance never sent
      RequestId foreign = new RequestId(client.clientId(), 1_000_000);
      client.retry(b("k"), cas, foreign).get();
      // a fresh write is not a retry, and neither is a read
      client.cas(b("k"), b("old"), b("new")).get();
      client.get(b("k")).exceptionally(t -> null).get();

      assertThat(seen).hasSize(5);
      assertThat(seen.get(0).requestId()).isEqualTo(id);
      assertThat(seen.get(0).retry()).isFalse();
      assertThat(seen.get(1).requestId()).isEqualTo(id);
      assertThat(seen.get(1).retry()).isTrue();
      assertThat(seen.get(2).requestId()).isEqualTo(foreign);
      assertThat(seen.get(2).retry()).isTrue();
      assertThat(seen.get(3).retry()).isFalse();
      assertThat(seen.get(4).retry()).isFalse();
    }
  }
}
