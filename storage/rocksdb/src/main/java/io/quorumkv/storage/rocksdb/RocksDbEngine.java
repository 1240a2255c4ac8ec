package io.quorumkv.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.TableNames;
import io.quorumkv.storage.WriteBatch.Mutation;
import io.quorumkv.storage.group.GroupCommitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LSM engine: one RocksDB database in the engine directory, one column family per table.
 *
 * <p><b>Writes.</b> Every table submits its batches to one {@link GroupCommitter} per engine. Its
 * commit thread merges all waiting batches, of any table, into a single RocksDB {@code WriteBatch}
 * and writes it once, with {@code sync=true} if any of them asked for {@link Durability#SYNC}; so a
 * batch is atomic (RocksDB applies a {@code WriteBatch} atomically, also across column families and
 * across a crash) and N concurrent durable writers share one WAL {@code fsync}. {@link
 * Durability#BUFFERED} writes go to the WAL with {@code sync=false}: the WAL bytes are in the
 * kernel when the future completes, so they survive {@code kill -9} but not power loss.
 *
 * <p><b>Native handles.</b> Every RocksDB object the engine creates is closed by {@link #close()}.
 * A read/write lifecycle lock guards them: reads, scans and commits hold the read lock while they
 * touch a handle; closing the engine and dropping a table take the write lock before freeing one. A
 * freed handle is therefore never used (which would crash the JVM); later calls throw {@link
 * StorageClosedException}.
 *
 * <p>Thread-safe. Callbacks attached to write futures without an executor run on the commit thread;
 * they must not close this engine (closing waits for that thread).
 */
public final class RocksDbEngine implements StorageEngine {

  static final String KIND = "lsm";

  private static final Logger LOG = LoggerFactory.getLogger(RocksDbEngine.class);

  /** Column families of tables carry this prefix; the mandatory "default" one stays unused. */
  private static final String TABLE_CF_PREFIX = "t:";

  /** Tickers reported by {@link #metrics()}, under RocksDB's own statistic names. */
  private static final Map<TickerType, String> TICKERS =
      Map.ofEntries(
          Map.entry(TickerType.BLOCK_CACHE_HIT, "rocksdb.block.cache.hit"),
          Map.entry(TickerType.BLOCK_CACHE_MISS, "rocksdb.block.cache.miss"),
          Map.entry(TickerType.BLOOM_FILTER_USEFUL, "rocksdb.bloom.filter.useful"),
          Map.entry(TickerType.BLOOM_FILTER_FULL_POSITIVE, "rocksdb.bloom.filter.full.positive"),
          Map.entry(TickerType.MEMTABLE_HIT, "rocksdb.memtable.hit"),
          Map.entry(TickerType.MEMTABLE_MISS, "rocksdb.memtable.miss"),
          Map.entry(TickerType.BYTES_WRITTEN, "rocksdb.bytes.written"),
          Map.entry(TickerType.BYTES_READ, "rocksdb.bytes.read"),
          Map.entry(TickerType.WAL_FILE_SYNCED, "rocksdb.wal.synced"),
          Map.entry(TickerType.WAL_FILE_BYTES, "rocksdb.wal.bytes"),
          Map.entry(TickerType.FLUSH_WRITE_BYTES, "rocksdb.flush.write.bytes"),
          Map.entry(TickerType.COMPACT_READ_BYTES, "rocksdb.compact.read.bytes"),
          Map.entry(TickerType.COMPACT_WRITE_BYTES, "rocksdb.compact.write.bytes"),
          Map.entry(TickerType.STALL_MICROS, "rocksdb.stall.micros"));

  /** DB properties reported by {@link #metrics()}, summed over column families. */
  private static final List<String> PROPERTIES =
      List.of(
          "rocksdb.estimate-num-keys",
          "rocksdb.cur-size-all-mem-tables",
          "rocksdb.total-sst-files-size",
          "rocksdb.live-sst-files-size",
          "rocksdb.estimate-pending-compaction-bytes",
          "rocksdb.num-running-compactions",
          "rocksdb.num-running-flushes");

  private final Path directory;
  private final Deque<AutoCloseable> natives = new ArrayDeque<>();
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache blockCache;
  private final Statistics statistics;
  private final WriteOptions syncWrite;
  private final WriteOptions bufferedWrite;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> otherHandles = new ArrayList<>();
  private final ConcurrentHashMap<String, RocksDbTable> tables = new ConcurrentHashMap<>();
  private final GroupCommitter<Request> committer;

  /** Read: a handle is in use. Write: a handle is being freed. */
  final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  /** Serialises creating and dropping tables. */
  private final Object ddl = new Object();

  private volatile boolean closed;

  /** A batch waiting for the commit thread; {@code rejected} is set if its table was dropped. */
  static final class Request {
    final RocksDbTable table;
    final io.quorumkv.storage.WriteBatch batch;
    volatile StorageException rejected;

    Request(RocksDbTable table, io.quorumkv.storage.WriteBatch batch) {
      this.table = table;
      this.batch = batch;
    }
  }

  /**
   * Opens (creating if needed) the database in {@code directory}; RocksDB replays its WAL, which is
   * the crash recovery.
   *
   * @param options see {@code README.md}; unknown keys are rejected
   * @throws IllegalArgumentException on an unknown or malformed option
   * @throws CorruptionException if RocksDB reports corruption while opening
   * @throws StorageException if the database cannot be opened for another reason
   */
  public static RocksDbEngine open(Path directory, Map<String, String> options) {
    RocksDbSettings settings = RocksDbSettings.parse(options);
    RocksDB.loadLibrary();
    return new RocksDbEngine(directory, settings);
  }

  @SuppressWarnings("resource") // every native object is pushed onto `natives` and closed there
  private RocksDbEngine(Path directory, RocksDbSettings s) {
    this.directory = directory;
    RocksDB opened = null;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      Files.createDirectories(directory);
      blockCache = own(new LRUCache(s.blockCacheSize()));
      BlockBasedTableConfig tableConfig =
          new BlockBasedTableConfig()
              .setBlockCache(blockCache)
              .setBlockSize(s.blockSize())
              .setCacheIndexAndFilterBlocks(true)
              .setCacheIndexAndFilterBlocksWithHighPriority(true)
              .setPinL0FilterAndIndexBlocksInCache(true);
      if (s.bloomBitsPerKey() > 0) {
        tableConfig.setFilterPolicy(own(new BloomFilter(s.bloomBitsPerKey())));
      }
      cfOptions =
          own(new ColumnFamilyOptions())
              .setCompactionStyle(CompactionStyle.LEVEL)
              .setLevelCompactionDynamicLevelBytes(true)
              .setWriteBufferSize(s.writeBufferSize())
              .setMaxWriteBufferNumber(s.maxWriteBufferNumber())
              .setLevel0FileNumCompactionTrigger(s.level0CompactionTrigger())
              .setTargetFileSizeBase(s.targetFileSizeBase())
              .setMaxBytesForLevelBase(s.maxBytesForLevelBase())
              .setCompressionType(s.compression())
              .setBottommostCompressionType(s.bottommostCompression())
              .setTableFormatConfig(tableConfig);
      if (s.statistics()) {
        statistics = own(new Statistics());
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
      } else {
        statistics = null;
      }
      DBOptions o =
          own(new DBOptions())
              .setCreateIfMissing(true)
              .setParanoidChecks(true)
              .setMaxBackgroundJobs(s.maxBackgroundJobs())
              .setBytesPerSync(s.bytesPerSync())
              .setWalBytesPerSync(s.walBytesPerSync())
              .setMaxTotalWalSize(s.maxTotalWalSize())
              .setMaxOpenFiles(s.maxOpenFiles())
              .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
              .setKeepLogFileNum(5)
              .setMaxLogFileSize(16L << 20);
      if (statistics != null) {
        o.setStatistics(statistics);
      }
      dbOptions = o;
      syncWrite = own(new WriteOptions().setSync(true));
      bufferedWrite = own(new WriteOptions().setSync(false));

      List<byte[]> cfNames = existingColumnFamilies(directory);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (byte[] name : cfNames) {
        descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
      }
      opened = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
      db = opened;
      for (int i = 0; i < handles.size(); i++) {
        String cf = new String(cfNames.get(i), UTF_8);
        if (cf.startsWith(TABLE_CF_PREFIX)) {
          String table = cf.substring(TABLE_CF_PREFIX.length());
          tables.put(table, new RocksDbTable(this, table, handles.get(i)));
        } else {
          if (!cf.equals("default")) {
            LOG.warn("{}: ignoring column family '{}', which is not a table", directory, cf);
          }
          otherHandles.add(handles.get(i));
        }
      }
      // The commit thread starts last: nothing can fail after it.
      committer =
          new GroupCommitter<>("lsm-" + directory.getFileName(), this::commit, s.maxGroupSize());
      LOG.info("{}: opened lsm engine with tables {}", directory, tableNames());
    } catch (RocksDBException e) {
      abandon(handles, opened);
      throw RocksDbErrors.translate("open " + directory, e);
    } catch (IOException e) {
      abandon(handles, opened);
      throw new StorageException("cannot open lsm engine in " + directory + ": " + e, e);
    } catch (RuntimeException | Error e) {
      abandon(handles, opened);
      throw e;
    }
  }

  /** Frees what a failed open had created, in reverse order of creation. */
  private void abandon(List<ColumnFamilyHandle> handles, RocksDB opened) {
    handles.forEach(ColumnFamilyHandle::close);
    if (opened != null) {
      opened.close();
    }
    releaseNatives();
  }

  private <T extends AutoCloseable> T own(T nativeObject) {
    natives.push(nativeObject);
    return nativeObject;
  }

  /**
   * The column families of the database in {@code dir}, or just "default" for a new one. A
   * directory that holds RocksDB files but no {@code CURRENT} is refused: RocksDB would otherwise
   * start an empty database beside the old files and the data would silently vanish.
   */
  private static List<byte[]> existingColumnFamilies(Path dir)
      throws RocksDBException, IOException {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      try (Stream<Path> files = Files.list(dir)) {
        List<String> leftovers =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("MANIFEST-") || n.endsWith(".sst") || n.endsWith(".log"))
                .sorted()
                .toList();
        if (!leftovers.isEmpty()) {
          throw new CorruptionException(
              dir.resolve("CURRENT").toString(),
              0,
              "file is missing but the directory holds RocksDB files " + leftovers);
        }
      }
      return List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
    }
    try (Options options = new Options()) {
      List<byte[]> names = RocksDB.listColumnFamilies(options, dir.toString());
      if (names.stream().noneMatch(n -> Arrays.equals(n, RocksDB.DEFAULT_COLUMN_FAMILY))) {
        // Listing failed quietly (an unreadable CURRENT or MANIFEST yields an empty list): let
        // RocksDB.open read the same files and report what is wrong with them.
        return List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
      }
      return names;
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The directory this engine keeps its files in. */
  public Path directory() {
    return directory;
  }

  @Override
  public Table table(String name) {
    TableNames.check(name);
    checkOpen();
    RocksDbTable t = tables.get(name);
    if (t != null) {
      return t;
    }
    synchronized (ddl) {
      lifecycle.readLock().lock();
      try {
        checkOpen();
        t = tables.get(name);
        if (t == null) {
          // createColumnFamily records the new family in the MANIFEST, which RocksDB syncs.
          ColumnFamilyHandle h =
              db.createColumnFamily(
                  new ColumnFamilyDescriptor((TABLE_CF_PREFIX + name).getBytes(UTF_8), cfOptions));
          t = new RocksDbTable(this, name, h);
          tables.put(name, t);
        }
        return t;
      } catch (RocksDBException e) {
        throw RocksDbErrors.translate("create table " + name, e);
      } finally {
        lifecycle.readLock().unlock();
      }
    }
  }

  @Override
  public List<String> tableNames() {
    checkOpen();
    List<String> names = new ArrayList<>(tables.keySet());
    names.sort(null);
    return names;
  }

  /**
   * Drops the table's column family. Open scans of it are closed, writes still queued for it fail
   * with {@link StorageClosedException}, and its handle is freed.
   */
  @Override
  public boolean dropTable(String name) {
    synchronized (ddl) {
      checkOpen();
      lifecycle.writeLock().lock();
      try {
        checkOpen();
        RocksDbTable t = tables.get(name);
        if (t == null) {
          return false;
        }
        db.dropColumnFamily(t.handle());
        tables.remove(name);
        t.release("table " + name + " was dropped");
        return true;
      } catch (RocksDBException e) {
        throw RocksDbErrors.translate("drop table " + name, e);
      } finally {
        lifecycle.writeLock().unlock();
      }
    }
  }

  /**
   * Group-commit counters ({@code commit.groups}, {@code commit.requests}, {@code commit.syncs}),
   * RocksDB tickers under their RocksDB names (block cache, bloom filter, memtable hits, bytes
   * written, WAL syncs, compaction bytes, stalls; only when {@code statistics=true}) and DB
   * properties summed over tables ({@code rocksdb.estimate-num-keys}, memtable and SST sizes,
   * pending compaction bytes), plus {@code rocksdb.block-cache-usage} and {@code tables}.
   */
  @Override
  public Map<String, Long> metrics() {
    Map<String, Long> m = new TreeMap<>();
    m.put("commit.groups", committer.groups());
    m.put("commit.requests", committer.requests());
    m.put("commit.syncs", committer.syncs());
    m.put("tables", (long) tables.size());
    lifecycle.readLock().lock();
    try {
      if (closed) {
        return m;
      }
      if (statistics != null) {
        TICKERS.forEach((ticker, name) -> m.put(name, statistics.getTickerCount(ticker)));
      }
      for (String p : PROPERTIES) {
        m.put(p, db.getAggregatedLongProperty(p));
      }
      m.put("rocksdb.block-cache-usage", blockCache.getUsage());
    } catch (RocksDBException e) {
      LOG.warn("{}: cannot read rocksdb properties: {}", directory, e.toString());
    } finally {
      lifecycle.readLock().unlock();
    }
    return m;
  }

  /**
   * Flushes every table's memtables to SST files and waits for it. For tests and benchmarks; the
   * engine flushes by itself when a memtable fills.
   */
  public void flush() {
    lifecycle.readLock().lock();
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      checkOpen();
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      tables.values().forEach(t -> handles.add(t.handle()));
      if (!handles.isEmpty()) {
        db.flush(fo, handles);
      }
    } catch (RocksDBException e) {
      throw RocksDbErrors.translate("flush", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Compacts every table down to its last level and waits for it. For tests and benchmarks; the
   * engine compacts in the background by itself.
   */
  public void compact() {
    lifecycle.readLock().lock();
    try {
      checkOpen();
      for (RocksDbTable t : tables.values()) {
        db.compactRange(t.handle());
      }
    } catch (RocksDBException e) {
      throw RocksDbErrors.translate("compact", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Writes what is queued, then closes every table, open scan and native handle. Idempotent. A
   * failure to close RocksDB cleanly is logged: the WAL already holds every completed write.
   */
  @Override
  public void close() {
    synchronized (ddl) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Without the lock: the commit thread needs the read lock to drain the queue.
    committer.close();
    lifecycle.writeLock().lock();
    try {
      for (RocksDbTable t : tables.values()) {
        t.release("lsm engine in " + directory + " is closed");
      }
      tables.clear();
      otherHandles.forEach(ColumnFamilyHandle::close);
      otherHandles.clear();
      try {
        db.closeE();
      } catch (RocksDBException e) {
        LOG.warn("{}: rocksdb did not close cleanly: {}", directory, e.toString());
      }
      releaseNatives();
    } finally {
      lifecycle.writeLock().unlock();
    }
    LOG.info("{}: closed lsm engine", directory);
  }

  private void releaseNatives() {
    while (!natives.isEmpty()) {
      try {
        natives.pop().close();
      } catch (Exception e) {
        LOG.warn("{}: closing a rocksdb object failed: {}", directory, e.toString());
      }
    }
  }

  // ---- used by RocksDbTable and RocksDbScan ----

  RocksDB db() {
    return db;
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new StorageClosedException("lsm engine in " + directory + " is closed");
    }
  }

  CompletableFuture<Void> submit(Request r, Durability durability) {
    return committer.submit(r, durability);
  }

  /**
   * The commit thread's sink: one RocksDB write for the whole group. A request whose table was
   * dropped meanwhile is left out and marked rejected; its handle may already be freed.
   */
  private void commit(List<Request> group, boolean sync) throws RocksDBException {
    lifecycle.readLock().lock();
    try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
      for (Request r : group) {
        if (r.table.isReleased()) {
          r.rejected = r.table.closedException();
          continue;
        }
        ColumnFamilyHandle h = r.table.handle();
        for (Mutation m : r.batch.mutations()) {
          if (m.isDelete()) {
            wb.delete(h, m.key());
          } else {
            wb.put(h, m.key(), m.value());
          }
        }
      }
      if (wb.count() > 0) {
        db.write(sync ? syncWrite : bufferedWrite, wb);
      } else if (sync) {
        // An empty SYNC batch is a durability barrier: earlier BUFFERED writes must be synced.
        db.syncWal();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }
}
