package io.quorumkv.bench.peers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A 3-member etcd cluster on 127.0.0.1 (distinct free client and peer ports), data under {@code
 * dir}, every other setting etcd's default (fsync of the WAL on every commit, no auto-compaction,
 * the default snapshot count and backend quota). {@link #close()} keeps the members' logs.
 */
final class EtcdCluster implements PeerSystem {
  static final int MEMBERS = 3;

  private final Path dir;
  private final List<Daemon> members = new ArrayList<>();
  private final List<String> clientUrls = new ArrayList<>();
  private boolean closed;

  private EtcdCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts the members and waits until each reports healthy.
   *
   * @param etcd the etcd binary
   * @throws IOException if a member cannot be started or does not become healthy in 60 s
   */
  static EtcdCluster start(Path dir, String etcd) throws IOException, InterruptedException {
    Daemon.deleteRecursively(dir);
    Files.createDirectories(dir);
    EtcdCluster c = new EtcdCluster(dir);
    int[] clientPorts = new int[MEMBERS];
    int[] peerPorts = new int[MEMBERS];
    StringJoiner initial = new StringJoiner(",");
    for (int i = 0; i < MEMBERS; i++) {
      clientPorts[i] = Daemon.freePort();
      peerPorts[i] = Daemon.freePort();
      initial.add(name(i) + "=http://127.0.0.1:" + peerPorts[i]);
    }
    try {
      for (int i = 0; i < MEMBERS; i++) {
        String client = "http://127.0.0.1:" + clientPorts[i];
        String peer = "http://127.0.0.1:" + peerPorts[i];
        List<String> cmd =
            List.of(
                etcd,
                "--name",
                name(i),
                "--data-dir",
                dir.resolve(name(i)).toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                initial.toString(),
                "--initial-cluster-token",
                "quorumkv-peer-bench",
                "--initial-cluster-state",
                "new");
        c.members.add(Daemon.start("etcd " + name(i), cmd, dir.resolve(name(i) + ".log")));
        c.clientUrls.add(client);
      }
      c.awaitHealthy();
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static String name(int i) {
    return "m" + (i + 1);
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int i = 0; i < MEMBERS; i++) {
      HttpRequest health =
          HttpRequest.newBuilder(URI.create(clientUrls.get(i) + "/health"))
              .timeout(Duration.ofSeconds(2))
              .build();
      while (true) {
        for (Daemon m : members) {
          if (!m.isAlive()) {
            throw new IOException("an etcd member exited during start:\n" + m.tail(10));
          }
        }
        try {
          HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("etcd " + name(i) + " not healthy after 60 s; see " + dir);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The client URLs, comma-separated (the etcd target's connect string). */
  String endpoints() {
    return String.join(",", clientUrls);
  }

  @Override
  public List<Long> pids() {
    return members.stream().map(Daemon::pid).toList();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Daemon m : members) {
      m.stop("TERM", 20);
    }
    // The logs stay (next to the results' work dir) for a post-mortem; the data goes.
    for (int i = 0; i < MEMBERS; i++) {
      Daemon.deleteRecursively(dir.resolve(name(i)));
    }
  }
}
