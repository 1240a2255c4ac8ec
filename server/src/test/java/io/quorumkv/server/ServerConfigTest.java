package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkv.replication.node.NodeStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  private static final String VALID =
      """
      # a comment
      node.id = 2
      node.zone = b
      listen.address = 127.0.0.3
      peer.port = 7100
      client.port = 7200   # trailing comment
      peers = 1=127.0.0.2:7100, 2=127.0.0.3:7100, 3=127.0.0.4:7100
      data.dir = /tmp/x
      engine.kind = bitcask
      engine.option.max.file.bytes = 1000
      paxos.window.size = 16
      """;

  private static Throwable error(String text) {
    return catchThrowable(() -> ServerConfig.parse("node.properties", text));
  }

  @Test
  void parsesAValidFile() {
    ServerConfig c = ServerConfig.parse("node.properties", VALID);
    assertThat(c.node().nodeId()).isEqualTo(2);
    assertThat(c.node().zone()).isEqualTo("b");
    assertThat(c.node().host()).isEqualTo("127.0.0.3");
    assertThat(c.node().peerPort()).isEqualTo(7100);
    assertThat(c.node().clientPort()).isEqualTo(7200);
    assertThat(c.node().peers())
        .containsOnlyKeys(1, 3)
        .containsEntry(1, new InetSocketAddress("127.0.0.2", 7100));
    assertThat(c.node().paxos().windowSize()).isEqualTo(16);
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(c.engineKind()).isEqualTo("bitcask");
    assertThat(c.engineOptions()).containsEntry("max.file.bytes", "1000");
    assertThat(c.node().merging()).isTrue();
  }

  @Test
  void mergingCanBeSwitchedOffAndOnlyByABoolean() {
    assertThat(ServerConfig.parse("n", VALID + "peer.merging = false\n").node().merging())
        .isFalse();
    assertThat(error(VALID + "peer.merging = no\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node.properties:12: peer.merging: expected true or false, got 'no'");
  }

  @Test
  void theExampleConfigsParse() {
    for (int i = 1; i <= 3; i++) {
      ServerConfig c = ServerConfig.load(Path.of("..", "conf", "node" + i + ".properties"));
      assertThat(c.node().nodeId()).isEqualTo(i);
      assertThat(c.node().host()).isEqualTo("127.0.0." + (i + 1));
      assertThat(c.node().peers()).hasSize(2).doesNotContainKey(i);
    }
  }

  @Test
  void aTypoNamesTheLineAndSuggestsTheKey() {
    assertThat(error(VALID.replace("peer.port = 7100", "peer.prot = 7100")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node.properties:5: unknown key 'peer.prot' (did you mean 'peer.port'?)");
    assertThat(error(VALID + "colour = blue\n"))
        .hasMessage("node.properties:12: unknown key 'colour'");
  }

  @Test
  void badValuesNameTheLineAndKey() {
    assertThat(error(VALID.replace("peer.port = 7100", "peer.port = seventy")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node.properties:5: peer.port: expected a number in [1, 65535], got 'seventy'");
    assertThat(error(VALID.replace("client.port = 7200", "client.port = 70000")))
        .hasMessageStartingWith("node.properties:6: client.port: expected a number in [1, 65535]");
    assertThat(error(VALID.replace("engine.kind = bitcask", "engine.kind = bitcsk")))
        .hasMessage(
            "node.properties:9: engine.kind: expected memory, bitcask or lsm, got 'bitcsk'");
    assertThat(error(VALID.replace("3=127.0.0.4:7100", "3=127.0.0.4")))
        .hasMessage("node.properties:7: peers: expected 'id=host:port', got '3=127.0.0.4'");
    assertThat(error(VALID.replace("2=127.0.0.3:7100", "2=127.0.0.9:7100")))
        .hasMessageContaining(
            "node.properties:7: peers: this node (2) is listed as 127.0.0.9:7100");
    assertThat(error(VALID.replace("node.zone = b", "node.zone b")))
        .hasMessage("node.properties:3: expected 'key = value', got 'node.zone b'");
  }

  @Test
  void aJoiningNodeNamesSeedsInsteadOfPeers() {
    String joiner =
        VALID.replace(
            "peers = 1=127.0.0.2:7100, 2=127.0.0.3:7100, 3=127.0.0.4:7100",
            "cluster.seeds = 127.0.0.2:7200, localhost:7201");
    ServerConfig c = ServerConfig.parse("node.properties", joiner);
    assertThat(c.cluster().joins()).isTrue();
    assertThat(c.cluster().seeds())
        .containsExactly(
            new InetSocketAddress("127.0.0.2", 7200), new InetSocketAddress("localhost", 7201));
    assertThat(c.node().peers()).isEmpty();
    assertThat(ServerConfig.parse("n", VALID).cluster().joins()).isFalse();
    assertThat(error(VALID + "cluster.seeds = 127.0.0.2:7200\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "cluster.seeds: give either peers (a founding node) or cluster.seeds");
    assertThat(error(joiner.replace("127.0.0.2:7200", "127.0.0.2")))
        .hasMessageContaining("cluster.seeds: expected 'host:port' (a node's client port)");
    assertThat(error(joiner.replace("127.0.0.2:7200", "127.0.0.2:0")))
        .hasMessageContaining("cluster.seeds: expected a number in [1, 65535]");
  }

  @Test
  void missingAndRepeatedKeysAreErrors() {
    assertThat(error(VALID.replace("data.dir = /tmp/x", "")))
        .hasMessage("node.properties: missing required key 'data.dir'");
    assertThat(error(VALID + "node.id = 3\n"))
        .hasMessage("node.properties:12: key 'node.id' is already set on line 2");
  }

  @Test
  void anUnreadableOrWrongDataDirectoryIsAClearError() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThat(catchThrowable(() -> QuorumKvServer.checkDataDir(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("data.dir " + file + " exists but is not a directory");
    assertThat(catchThrowable(() -> QuorumKvServer.checkDataDir(file.resolve("sub"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("data.dir " + file.resolve("sub") + " cannot be created");
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Assumptions.assumeFalse(
          Files.isReadable(locked), "running as root: permissions do not stop this process");
      assertThat(catchThrowable(() -> QuorumKvServer.checkDataDir(locked)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("is not readable, writable and searchable");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aPortInUseIsAClearError() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String text =
          VALID
              .replace("127.0.0.3", "127.0.0.1")
              .replace("peer.port = 7100", "peer.port = " + taken.getLocalPort())
              .replace("2=127.0.0.1:7100", "2=127.0.0.1:" + taken.getLocalPort())
              .replace("client.port = 7200", "")
              .replace("data.dir = /tmp/x", "data.dir = " + dir.resolve("data"))
              .replace("engine.kind = bitcask", "engine.kind = memory")
              .replace("engine.option.max.file.bytes = 1000", "");
      ServerConfig c = ServerConfig.parse("node.properties", text);
      assertThat(catchThrowable(() -> QuorumKvServer.start(c)))
          .isInstanceOf(NodeStartException.class)
          .hasMessageStartingWith(
              "cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (peer port)");
    }
  }
}
