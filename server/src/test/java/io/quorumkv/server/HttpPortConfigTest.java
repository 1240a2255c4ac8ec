package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkv.replication.node.NodeStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http.port} key: its default, its checks, and the bind error of a port in use. */
class HttpPortConfigTest {
  @TempDir Path dir;

  private static final String BASE =
      """
      node.id = 2
      listen.address = 127.0.0.1
      peer.port = 7100
      peers = 1=127.0.0.2:7100
      data.dir = /tmp/x
      engine.kind = memory
      """;

  @Test
  void httpPortDefaultsTo7500AndMayBeAnyFreePort() {
    assertThat(ServerConfig.parse("n", BASE).httpPort()).isEqualTo(7500);
    assertThat(ServerConfig.parse("n", BASE + "http.port = 7600\n").httpPort()).isEqualTo(7600);
    assertThat(ServerConfig.parse("n", BASE + "http.port = 0\n").httpPort()).isZero();
  }

  @Test
  void aBadHttpPortNamesTheLineAndKey() {
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "http.port = 65536\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("n:7: http.port: expected a number in [0, 65535], got 65536");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "http.port = web\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("n:7: http.port: expected a number in [0, 65535], got 'web'");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "http.prot = 1\n")))
        .hasMessage("n:7: unknown key 'http.prot' (did you mean 'http.port'?)");
  }

  @Test
  void anHttpPortInUseIsAClearError() throws IOException {
    int peerPort;
    try (ServerSocket free = new ServerSocket()) {
      free.bind(new InetSocketAddress("127.0.0.1", 0));
      peerPort = free.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String text =
          String.join(
              "\n",
              "node.id = 1",
              "listen.address = 127.0.0.1",
              "peer.port = " + peerPort,
              "http.port = " + taken.getLocalPort(),
              "peers = 2=127.0.0.1:1",
              "data.dir = " + dir.resolve("d"),
              "engine.kind = memory");
      assertThat(catchThrowable(() -> QuorumKvServer.start(ServerConfig.parse("n", text))))
          .isInstanceOf(NodeStartException.class)
          .hasMessageStartingWith(
              "cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (http port): ");
    }
  }
}
