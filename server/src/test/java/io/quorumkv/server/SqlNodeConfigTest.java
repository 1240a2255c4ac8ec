package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkv.replication.node.NodeStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sql.port} and {@code peer.zones} keys, and the SQL port's bind error. */
class SqlNodeConfigTest {
  @TempDir Path dir;

  private static final String BASE =
      """
      node.id = 2
      node.zone = b
      listen.address = 127.0.0.1
      peer.port = 7100
      peers = 1=127.0.0.2:7100, 2=127.0.0.1:7100, 3=127.0.0.4:7100
      data.dir = /tmp/x
      engine.kind = memory
      """;

  @Test
  void sqlPortAndZonesAreOptional() {
    ServerConfig c = ServerConfig.parse("n", BASE);
    assertThat(c.sqlPort()).isEqualTo(-1);
    assertThat(c.zones()).isEqualTo(Map.of(2, "b"));
    ServerConfig z =
        ServerConfig.parse("n", BASE + "sql.port = 7300\npeer.zones = 1=a, 3=c, 2=b\n");
    assertThat(z.sqlPort()).isEqualTo(7300);
    assertThat(z.zones()).isEqualTo(Map.of(1, "a", 2, "b", 3, "c"));
  }

  @Test
  void badSqlPortAndZonesNameTheLineAndKey() {
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "sql.port = 70000\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("n:8: sql.port: expected a number in [0, 65535], got 70000");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "peer.zones = 9=x\n")))
        .hasMessage("n:8: peer.zones: node 9 is not in peers");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "peer.zones = 2=x\n")))
        .hasMessage("n:8: peer.zones: this node (2) is listed in zone x but node.zone is b");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "peer.zones = 1\n")))
        .hasMessage("n:8: peer.zones: expected 'id=zone', got '1'");
    assertThat(catchThrowable(() -> ServerConfig.parse("n", BASE + "sql.prot = 1\n")))
        .hasMessage("n:8: unknown key 'sql.prot' (did you mean 'sql.port'?)");
  }

  @Test
  void theExampleConfigsServeSqlAndNameEveryZone() {
    for (int i = 1; i <= 3; i++) {
      ServerConfig c = ServerConfig.load(Path.of("..", "conf", "node" + i + ".properties"));
      assertThat(c.sqlPort()).isEqualTo(7300);
      assertThat(c.zones()).isEqualTo(Map.of(1, "zone-1", 2, "zone-2", 3, "zone-3"));
    }
  }

  @Test
  void aSqlPortInUseIsAClearError() throws IOException {
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
              "sql.port = " + taken.getLocalPort(),
              "peers = 2=127.0.0.1:1",
              "data.dir = " + dir.resolve("d"),
              "engine.kind = memory");
      assertThat(catchThrowable(() -> QuorumKvServer.start(ServerConfig.parse("n", text))))
          .isInstanceOf(NodeStartException.class)
          .hasMessageStartingWith(
              "cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (sql port)");
    }
  }
}
