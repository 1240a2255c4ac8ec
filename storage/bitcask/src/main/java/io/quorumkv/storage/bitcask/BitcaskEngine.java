package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.StorageFailedException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.TableNames;
import io.quorumkv.storage.bitcask.io.ChannelFileIo;
import io.quorumkv.storage.bitcask.io.DirectoryLock;
import io.quorumkv.storage.bitcask.io.FileIo;
import io.quorumkv.storage.bitcask.merge.MergeStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bitcask engine (Sheehy &amp; Smith, 2010): per table, append-only data files and an in-memory
 * key directory that maps each key to its newest record, so a get is one positional read and a put
 * one append. The byte layout and the crash-safety argument are in the module's {@code FORMAT.md}.
 *
 * <p>Layout: one directory per table under the engine directory; creating and dropping a table are
 * made durable by fsyncing the engine directory. A dropped table is first renamed to {@code
 * ~dropped.<name>.<n>} (a name no table can have) and then deleted, so a crash mid-drop never
 * resurrects half a table.
 *
 * <p>Thread-safe. Each table has its own group-commit thread; merges and hint-file writes run on
 * one maintenance thread (or an executor the caller injects). After a failed write or fsync the
 * engine is {@link StorageFailedException failed}: every further operation throws, and only
 * reopening (which runs recovery) brings it back.
 */
public final class BitcaskEngine implements StorageEngine {

  private static final Logger LOG = LoggerFactory.getLogger(BitcaskEngine.class);

  static final String KIND = "bitcask";
  static final String DROPPED_PREFIX = "~dropped.";

  /** Held while the engine is open; {@code ~} keeps it apart from table names. */
  static final String LOCK_FILE = "~lock";

  /** The largest encoded batch accepted: 1 GiB, so file offsets fit an {@code int}. */
  static final long MAX_BATCH_BYTES = 1L << 30;

  private final Path dir;
  private final FileIo io;
  private final BitcaskOptions options;
  private final Executor maintenance;
  private final ExecutorService ownedMaintenance;
  private final ConcurrentHashMap<String, BitcaskTable> tables = new ConcurrentHashMap<>();
  private final AtomicReference<StorageFailedException> failure = new AtomicReference<>();
  private final AtomicLong closedGroups = new AtomicLong();
  private final AtomicLong closedRequests = new AtomicLong();
  private final AtomicLong closedSyncs = new AtomicLong();
  private final AtomicLong dropCounter = new AtomicLong();
  private DirectoryLock lock;
  private volatile boolean closed;

  private BitcaskEngine(Path dir, FileIo io, BitcaskOptions options, Executor maintenance) {
    this.dir = dir;
    this.io = io;
    this.options = options;
    if (maintenance == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "bitcask-maintenance-" + dir.getFileName());
                t.setDaemon(true);
                return t;
              });
      this.ownedMaintenance = pool;
      this.maintenance = pool;
    } else {
      this.ownedMaintenance = null;
      this.maintenance = maintenance;
    }
  }

  /**
   * Opens (creating if needed) an engine in {@code directory} on the real file system.
   *
   * @throws io.quorumkv.storage.CorruptionException if recovery finds damage
   * @throws IllegalArgumentException on an unknown or malformed option
   */
  public static BitcaskEngine open(Path directory, Map<String, String> options) {
    return open(directory, options, ChannelFileIo.INSTANCE, null);
  }

  /**
   * Opens an engine through {@code io}, running recovery on every table.
   *
   * @param io all file operations go through it (tests pass a fault-injecting one)
   * @param maintenance runs hint-file writes and background merges; {@code null} for an own daemon
   *     thread
   */
  public static BitcaskEngine open(
      Path directory, Map<String, String> options, FileIo io, Executor maintenance) {
    BitcaskOptions opts = BitcaskOptions.parse(options);
    BitcaskEngine engine = new BitcaskEngine(directory, io, opts, maintenance);
    try {
      engine.recover();
    } catch (IOException e) {
      engine.close();
      throw new StorageException("opening bitcask engine in " + directory + " failed", e);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  private void recover() throws IOException {
    io.createDirectories(dir);
    lock = io.lock(dir.resolve(LOCK_FILE));
    List<String> names = new ArrayList<>(io.list(dir));
    names.sort(null);
    for (String n : names) {
      Path p = dir.resolve(n);
      if (n.equals(LOCK_FILE)) {
        continue;
      } else if (n.startsWith(DROPPED_PREFIX)) {
        deleteTree(p);
      } else if (io.isDirectory(p) && isTableName(n)) {
        tables.put(n, BitcaskTable.open(this, n, p));
      } else {
        LOG.warn("{}: ignoring {}, which is not a table directory", dir, n);
      }
    }
  }

  private static boolean isTableName(String n) {
    try {
      TableNames.check(n);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Table table(String name) {
    TableNames.check(name);
    checkUsable();
    BitcaskTable t = tables.get(name);
    if (t != null) {
      return t;
    }
    synchronized (this) {
      checkUsable();
      t = tables.get(name);
      if (t == null) {
        Path p = dir.resolve(name);
        try {
          io.createDirectories(p);
          io.fsyncDirectory(dir);
          t = BitcaskTable.open(this, name, p);
        } catch (IOException e) {
          throw new StorageException("creating table " + name + " failed", e);
        }
        tables.put(name, t);
      }
      return t;
    }
  }

  @Override
  public List<String> tableNames() {
    checkUsable();
    List<String> names = new ArrayList<>(tables.keySet());
    names.sort(null);
    return names;
  }

  @Override
  public synchronized boolean dropTable(String name) {
    checkUsable();
    BitcaskTable t = tables.remove(name);
    if (t == null) {
      return false;
    }
    t.close();
    foldCounters(t);
    try {
      // Rename first: after a crash the table is either whole or gone, never half deleted.
      Path trash = dir.resolve(DROPPED_PREFIX + name + "." + dropCounter.incrementAndGet());
      io.rename(t.directory(), trash);
      io.fsyncDirectory(dir);
      deleteTree(trash);
    } catch (IOException e) {
      throw new StorageException("dropping table " + name + " failed", e);
    }
    return true;
  }

  private void deleteTree(Path p) throws IOException {
    if (io.isDirectory(p)) {
      for (String n : io.list(p)) {
        deleteTree(p.resolve(n));
      }
    }
    io.delete(p);
  }

  /**
   * Merges the immutable data files of every table, dropping overwritten records and tombstones.
   * Reads and writes continue meanwhile. Blocks until done.
   *
   * @return what the merges did, summed over the tables
   * @throws io.quorumkv.storage.CorruptionException if a data file being merged is damaged
   */
  public MergeStats merge() {
    checkUsable();
    MergeStats total = MergeStats.NONE;
    for (BitcaskTable t : new ArrayList<>(tables.values())) {
      total = total.plus(t.merge());
    }
    return total;
  }

  /** Merges one table; see {@link #merge()}. */
  public MergeStats merge(String table) {
    checkUsable();
    BitcaskTable t = tables.get(table);
    if (t == null) {
      throw new IllegalArgumentException("no table " + table);
    }
    return t.merge();
  }

  /**
   * Counters: {@code commit.groups}, {@code commit.requests} and {@code commit.syncs} summed over
   * all tables (their ratio is the group-commit batching factor), plus {@code tables}, {@code
   * keys}, {@code files}, {@code rollovers}, {@code merges}, {@code bytes.written} and {@code
   * dead.bytes}.
   */
  @Override
  public Map<String, Long> metrics() {
    long groups = closedGroups.get();
    long requests = closedRequests.get();
    long syncs = closedSyncs.get();
    long keys = 0;
    long files = 0;
    long rollovers = 0;
    long merges = 0;
    long written = 0;
    long dead = 0;
    for (BitcaskTable t : tables.values()) {
      groups += t.groups();
      requests += t.requests();
      syncs += t.syncs();
      keys += t.keys();
      files += t.fileCount();
      rollovers += t.rollovers();
      merges += t.merges();
      written += t.bytesWritten();
      dead += t.deadBytes();
    }
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("commit.groups", groups);
    m.put("commit.requests", requests);
    m.put("commit.syncs", syncs);
    m.put("tables", (long) tables.size());
    m.put("keys", keys);
    m.put("files", files);
    m.put("rollovers", rollovers);
    m.put("merges", merges);
    m.put("bytes.written", written);
    m.put("dead.bytes", dead);
    return m;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (BitcaskTable t : tables.values()) {
      t.close();
    }
    releaseLock();
    if (ownedMaintenance != null) {
      ownedMaintenance.shutdown();
      try {
        if (!ownedMaintenance.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("{}: maintenance thread did not stop", dir);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void releaseLock() {
    DirectoryLock l = lock;
    lock = null;
    if (l != null) {
      l.close();
    }
  }

  private void foldCounters(BitcaskTable t) {
    closedGroups.addAndGet(t.groups());
    closedRequests.addAndGet(t.requests());
    closedSyncs.addAndGet(t.syncs());
  }

  /** Test hook: the open table, or {@code null}. */
  BitcaskTable openTable(String name) {
    return tables.get(name);
  }

  /** Test hook: waits for background hint writes and merges scheduled so far. */
  void awaitMaintenance() {
    for (BitcaskTable t : tables.values()) {
      t.awaitMaintenance();
    }
  }

  // ---------------------------------------------------------------- for tables

  Path directory() {
    return dir;
  }

  FileIo io() {
    return io;
  }

  BitcaskOptions options() {
    return options;
  }

  Executor maintenanceExecutor() {
    return maintenance;
  }

  /** The failure that stopped the engine, or {@code null} while it is healthy. */
  StorageFailedException failure() {
    return failure.get();
  }

  /** Marks the engine failed: no further operations. The first failure is kept. */
  void fail(String table, Throwable cause) {
    StorageFailedException f =
        cause instanceof StorageFailedException sf
            ? sf
            : new StorageFailedException(
                "bitcask engine in " + dir + " failed (table " + table + "): " + cause, cause);
    if (failure.compareAndSet(null, f)) {
      LOG.error("{}: engine failed, refusing further operations", dir, cause);
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new StorageClosedException("bitcask engine in " + dir + " is closed");
    }
    StorageFailedException f = failure.get();
    if (f != null) {
      throw f;
    }
  }
}
