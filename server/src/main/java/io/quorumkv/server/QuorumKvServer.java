package io.quorumkv.server;

import io.quorumkv.replication.node.NodeStartException;
import io.quorumkv.replication.node.ReplicaNode;
import io.quorumkv.server.store.ReplicatedKeyValueStore;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import io.quorumkv.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QuorumKV node process: opens the storage engine in the data directory, starts the replication
 * node (peer and native-client ports) and offers the store to the SQL layer as a {@link
 * ReplicatedKeyValueStore}. {@link #main} runs it from a config file until SIGTERM/SIGINT.
 *
 * <p>Thread-safe; {@link #close} is idempotent and graceful.
 */
public final class QuorumKvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumKvServer.class);

  private final ReplicaNode node;
  private final ReplicatedKeyValueStore store;
  private final CountDownLatch closed = new CountDownLatch(1);

  private QuorumKvServer(ReplicaNode node, ReplicatedKeyValueStore store) {
    this.node = node;
    this.store = store;
  }

  /**
   * Starts a node.
   *
   * @throws ConfigException if the data directory is unusable or the engine cannot open it
   * @throws NodeStartException if a port cannot be bound
   */
  public static QuorumKvServer start(ServerConfig config) {
    checkDataDir(config.dataDir());
    StorageEngine engine;
    try {
      engine =
          StorageEngineProvider.open(config.engineKind(), config.dataDir(), config.engineOptions());
    } catch (StorageException | IllegalArgumentException e) {
      throw new ConfigException(
          "cannot open the "
              + config.engineKind()
              + " engine in data.dir "
              + config.dataDir()
              + ": "
              + e.getMessage(),
          e);
    }
    ReplicaNode node;
    try {
      node = ReplicaNode.start(config.node(), engine); // owns the engine from here on
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    Duration timeout = Duration.ofMillis(config.node().defaultTimeoutMillis());
    return new QuorumKvServer(node, new ReplicatedKeyValueStore(node, timeout));
  }

  /** Checks (and creates) the data directory, with an error saying what is wrong with it. */
  static void checkDataDir(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException("data.dir " + dir + " exists but is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException("data.dir " + dir + " cannot be created: " + e, e);
    }
    if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
      throw new ConfigException(
          "data.dir " + dir + " is not readable, writable and searchable by this process");
    }
  }

  /** The replication node. */
  public ReplicaNode node() {
    return node;
  }

  /** The store the SQL layer executes against (this node coordinates). */
  public ReplicatedKeyValueStore store() {
    return store;
  }

  /** Blocks until {@link #close} has run. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    if (closed.getCount() == 0) {
      return;
    }
    node.close();
    closed.countDown();
  }

  /**
   * Runs one node: {@code quorumkv-server CONFIG_FILE}. Exits with status 2 on a configuration or
   * startup error (the message names the file, line and key, or the port), after logging it.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      LOG.error("usage: quorumkv-server <config.properties>");
      System.exit(2);
    }
    QuorumKvServer server;
    try {
      server = start(ServerConfig.load(Path.of(args[0])));
    } catch (ConfigException | NodeStartException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "qkv-shutdown"));
    server.awaitClosed();
  }
}
