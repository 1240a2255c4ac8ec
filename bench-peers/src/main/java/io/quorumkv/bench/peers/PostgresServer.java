package io.quorumkv.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server initialised in {@code dir} (initdb), listening on 127.0.0.1 only, with the
 * settings of {@link #SETTINGS}; optionally one streaming standby on another port that the primary
 * waits for at every commit ({@code synchronous_standby_names = '*'}). When this JVM runs as root
 * the servers run as the {@code postgres} user (PostgreSQL refuses root) through {@code setpriv},
 * which execs, so the process this class holds is the postmaster itself.
 */
final class PostgresServer implements PeerSystem {
  /** Where Debian's postgresql-15 package puts the server binaries. */
  static final Path DEBIAN_BIN = Path.of("/usr/lib/postgresql/15/bin");

  /**
   * Given to both servers with {@code -c}. Durability as shipped (fsync, synchronous commit, full
   * page writes: the defaults, spelled out); more connections than the largest client count; shared
   * buffers and WAL size above the small defaults (the data set fits either way) so nothing is
   * starved; no Unix socket (clients use TCP on loopback like every other system here).
   */
  static final List<String> SETTINGS =
      List.of(
          "fsync=on",
          "synchronous_commit=on",
          "full_page_writes=on",
          "max_connections=400",
          "shared_buffers=512MB",
          "max_wal_size=2GB",
          "listen_addresses=127.0.0.1",
          "unix_socket_directories=");

  private final Path dir;
  private final Path bin;
  private final int port;
  private Daemon primary;
  private Daemon standby;
  private boolean closed;

  private PostgresServer(Path dir, Path bin, int port) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
  }

  /**
   * Creates the primary's data directory with initdb and starts it.
   *
   * @param bin the directory of initdb, postgres and pg_basebackup
   * @throws IOException if initdb fails or the server does not accept connections within 60 s
   */
  static PostgresServer start(Path dir, Path bin) throws IOException, InterruptedException {
    Daemon.deleteRecursively(dir);
    Files.createDirectories(dir);
    if (isRoot()) {
      Daemon.run(List.of("chown", "postgres:postgres", dir.toString()));
    }
    PostgresServer s = new PostgresServer(dir, bin, Daemon.freePort());
    try {
      Daemon.run(
          asPostgres(
              List.of(
                  bin.resolve("initdb").toString(),
                  "-D",
                  s.primaryDir().toString(),
                  "-U",
                  "postgres",
                  "--auth=trust",
                  "--encoding=UTF8",
                  "--locale=C")));
      s.primary = s.startServer("postgres primary", s.primaryDir(), s.port);
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private Path primaryDir() {
    return dir.resolve("primary");
  }

  private Path standbyDir() {
    return dir.resolve("standby");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(List<String> cmd) {
    if (!isRoot()) {
      return cmd;
    }
    List<String> c =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    c.addAll(cmd);
    return c;
  }

  private Daemon startServer(String name, Path data, int serverPort)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D"));
    cmd.add(data.toString());
    cmd.add("-c");
    cmd.add("port=" + serverPort);
    for (String setting : SETTINGS) {
      cmd.add("-c");
      cmd.add(setting);
    }
    Daemon d = Daemon.start(name, asPostgres(cmd), dir.resolve(name.replace(' ', '-') + ".log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      if (!d.isAlive()) {
        throw new IOException(name + " exited during start:\n" + d.tail(10));
      }
      try {
        DriverManager.getConnection(url(serverPort)).close();
        return d;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          d.stop("INT", 30);
          throw new IOException(name + " not accepting connections after 60 s; see " + d.log(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static String url(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** The primary's JDBC URL (with the user). */
  String jdbcUrl() {
    return url(port);
  }

  /**
   * Adds a streaming standby (pg_basebackup -R of the primary) on another port and makes every
   * commit on the primary wait for it; returns once the standby is attached as synchronous.
   *
   * @throws IOException if the backup fails or the standby does not become synchronous in 60 s
   */
  void addSyncStandby() throws IOException, InterruptedException, SQLException {
    Daemon.run(
        asPostgres(
            List.of(
                bin.resolve("pg_basebackup").toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-D",
                standbyDir().toString(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast")));
    standby = startServer("postgres standby", standbyDir(), Daemon.freePort());
    try (Connection c = DriverManager.getConnection(jdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
      st.execute("SELECT pg_reload_conf()");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try (ResultSet rs =
            st.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")) {
          rs.next();
          if (rs.getLong(1) == 1) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the standby is not synchronous after 60 s; see " + dir);
        }
        Thread.sleep(200);
      }
    }
  }

  /** {@code postgres --version}. */
  static String version(Path bin) {
    try {
      return Daemon.run(List.of(bin.resolve("postgres").toString(), "--version")).trim();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  @Override
  public synchronized List<Long> pids() {
    List<Long> p = new ArrayList<>();
    if (primary != null) {
      p.add(primary.pid());
    }
    if (standby != null) {
      p.add(standby.pid());
    }
    return p;
  }

  /** Stops the standby, then the primary (SIGINT: fast shutdown), and deletes both data dirs. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (standby != null) {
      standby.stop("INT", 30);
    }
    if (primary != null) {
      primary.stop("INT", 30);
    }
    Daemon.deleteRecursively(standbyDir());
    Daemon.deleteRecursively(primaryDir());
  }
}
