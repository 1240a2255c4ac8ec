package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.KeyValue;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import io.quorumkv.storage.bitcask.format.HintCodec;
import io.quorumkv.storage.bitcask.format.HintEntry;
import io.quorumkv.storage.bitcask.format.ManifestCodec;
import io.quorumkv.storage.bitcask.format.RecordCodec;
import io.quorumkv.storage.bitcask.format.RecordHeader;
import io.quorumkv.storage.bitcask.io.FileHandle;
import io.quorumkv.storage.bitcask.io.FileIo;
import io.quorumkv.storage.bitcask.keydir.KeyDir;
import io.quorumkv.storage.bitcask.keydir.KeyDirEntry;
import io.quorumkv.storage.bitcask.merge.MergeStats;
import io.quorumkv.storage.group.GroupCommitter;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Bitcask table: a directory of append-only data files and a key directory.
 *
 * <p>Threads: writes go through a {@link GroupCommitter} whose single commit thread owns the active
 * file (append, rollover, force) and the sequence counter. Gets are lock-free; scans copy a range
 * of the key directory under its read lock. A merge runs on a caller or maintenance thread, one at
 * a time ({@link #mergeLock}); the file list and the manifest are guarded by {@link #filesLock}.
 *
 * <p>Ordering within a commit group: append every batch (rolling over only between batches), force
 * once if any batch asked for {@link Durability#SYNC}, then publish all records to the key
 * directory under its write lock, then the futures complete.
 */
final class BitcaskTable implements Table {

  private static final Logger LOG = LoggerFactory.getLogger(BitcaskTable.class);
  private static final int MAX_READ_RETRIES = 10_000;
  private static final WriteBatch EMPTY_BATCH = WriteBatch.builder().build();

  /** Capacity of a table's first data file after open; each next file doubles it up to the max. */
  static final long INITIAL_CAPACITY = 1 << 20;

  /** Zeros to fill preallocated space with. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private final BitcaskEngine engine;
  private final String name;
  private final Path dir;
  private final FileIo io;
  private final BitcaskOptions options;
  private final KeyDir keyDir;
  private final GroupCommitter<WriteBatch> committer;

  /** Guards {@link #files} and every manifest write. */
  private final Object filesLock = new Object();

  /** Live data files, oldest first; the last is the active file. Guarded by filesLock. */
  private final List<DataFile> files;

  private final ConcurrentHashMap<Integer, DataFile> filesById = new ConcurrentHashMap<>();
  private final ArrayDeque<DataFile> obsolete = new ArrayDeque<>();
  private final AtomicInteger nextFileId;
  private final AtomicLong nextSeq;
  private final ReentrantLock mergeLock = new ReentrantLock();
  private final AtomicBoolean mergeScheduled = new AtomicBoolean();
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> maintenance =
      new ConcurrentLinkedQueue<>();
  private final AtomicLong rollovers = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong merges = new AtomicLong();

  /** Written by the commit thread only (and by the constructor). */
  private volatile DataFile active;

  /** Where the commit thread encodes a group; direct, so the write needs no copy. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 << 10);

  /** The next active file being prepared in the background. Commit thread (and close) only. */
  private Preparation preparation;

  private volatile Thread commitThread;
  private volatile boolean closed;

  private BitcaskTable(
      BitcaskEngine engine, String name, Path dir, TableRecovery.Recovered r, DataFile active) {
    this.engine = engine;
    this.name = name;
    this.dir = dir;
    this.io = engine.io();
    this.options = engine.options();
    this.keyDir = r.keyDir();
    this.files = new ArrayList<>(r.files());
    this.files.add(active);
    for (DataFile f : files) {
      filesById.put(f.id, f);
    }
    this.active = active;
    this.nextFileId = new AtomicInteger(active.id + 1);
    this.nextSeq = new AtomicLong(r.nextSeq());
    this.committer =
        new GroupCommitter<>(
            engine.directory().getFileName() + "/" + name, this::commit, options.maxGroup());
  }

  /**
   * Opens (creating if need be) the table in {@code dir}: recovers it, writes hints for files that
   * had none, and starts a new active file so everything older is immutable.
   */
  static BitcaskTable open(BitcaskEngine engine, String name, Path dir) throws IOException {
    FileIo io = engine.io();
    TableRecovery.Recovered r = TableRecovery.recover(io, dir);
    DataFile active = null;
    try {
      for (Map.Entry<DataFile, List<HintEntry>> h : r.hints().entrySet()) {
        writeHint(io, dir, h.getKey().id, h.getKey().size(), h.getValue());
      }
      for (DataFile f : r.files()) {
        f.map();
      }
      int id = r.nextFileId();
      active =
          createPreallocated(
              io, dir, id, Math.min(engine.options().maxFileBytes(), INITIAL_CAPACITY));
      List<Integer> ids = new ArrayList<>();
      for (DataFile f : r.files()) {
        ids.add(f.id);
      }
      ids.add(id);
      TableFiles.writeManifest(io, dir, new ManifestCodec.Manifest(r.nextSeq(), id + 1, ids));
      for (DataFile f : r.dropped()) {
        f.handle.close();
        io.delete(f.path);
        io.delete(TableFiles.hint(dir, f.id));
      }
    } catch (IOException | RuntimeException e) {
      for (DataFile f : r.files()) {
        f.dispose();
      }
      if (active != null) {
        active.dispose();
      }
      throw e;
    }
    LOG.debug(
        "{}: opened with {} keys in {} files, next seq {}",
        dir,
        r.keyDir().size(),
        r.files().size() + 1,
        r.nextSeq());
    return new BitcaskTable(engine, name, dir, r, active);
  }

  @Override
  public String name() {
    return name;
  }

  Path directory() {
    return dir;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(byte[] key) {
    checkUsable();
    for (int attempt = 0; ; attempt++) {
      KeyDirEntry e = keyDir.get(key);
      if (e == null) {
        return null;
      }
      DataFile f = filesById.get(e.fileId());
      if (f != null && f.retain()) {
        try {
          return readValue(f, e, key);
        } finally {
          release(f);
        }
      }
      // A merge moved the key and retired the file between our two lookups: look again.
      checkUsable();
      if (attempt > MAX_READ_RETRIES) {
        throw new StorageException(name + ": key directory points at a retired data file " + e);
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Reads and checks the record {@code e} points at; the caller holds a reference on {@code f}. A
   * mapped file is read with one copy out of the map, anything else (or beyond the map) with a
   * positional read.
   */
  private byte[] readValue(DataFile f, KeyDirEntry e, byte[] expectedKey) {
    long end = (long) e.offset() + e.size();
    byte[] record = new byte[e.size()];
    ByteBuffer map = f.mapping();
    if (map != null && end <= map.limit()) {
      if (end > f.size()) {
        // Never touch a map past the end of the file: after a trim that would be SIGBUS.
        throw new CorruptionException(
            f.path.toString(), e.offset(), "record runs past the end of the file");
      }
      map.get(e.offset(), record);
    } else {
      try {
        f.handle.readFully(ByteBuffer.wrap(record), e.offset());
      } catch (EOFException ex) {
        throw new CorruptionException(
            f.path.toString(), e.offset(), "record runs past the end of the file");
      } catch (ClosedChannelException ex) {
        throw closedOr(ex);
      } catch (IOException ex) {
        throw new StorageException(name + ": reading " + f.path + " failed", ex);
      }
    }
    return decodeValue(f, e, expectedKey, record);
  }

  /** Checks a record read whole into {@code record} and returns its value. */
  private static byte[] decodeValue(DataFile f, KeyDirEntry e, byte[] expectedKey, byte[] record) {
    RecordHeader h = RecordCodec.decodeHeader(record, 0, record.length);
    if (h == null) {
      throw new CorruptionException(f.path.toString(), e.offset(), "header checksum mismatch");
    }
    if (h.recordSize() != e.size() || h.seq() != e.seq() || h.tombstone()) {
      throw new CorruptionException(
          f.path.toString(), e.offset(), "record does not match the key directory: " + h);
    }
    int keyAt = RecordCodec.HEADER_SIZE;
    if (!RecordCodec.bodyMatches(h, record, keyAt)) {
      throw new CorruptionException(f.path.toString(), e.offset(), "body checksum mismatch");
    }
    if (expectedKey != null
        && !Arrays.equals(
            record, keyAt, keyAt + h.keyLength(), expectedKey, 0, expectedKey.length)) {
      throw new CorruptionException(
          f.path.toString(), e.offset(), "record holds a different key than the key directory");
    }
    int valueAt = keyAt + h.keyLength();
    return Arrays.copyOfRange(record, valueAt, valueAt + h.valueLength());
  }

  @Override
  public Scan scan(KeyRange range) {
    checkUsable();
    Map<Integer, DataFile> pinned = new HashMap<>();
    List<KeyDir.Slot> slots;
    try {
      slots =
          keyDir.snapshot(
              range,
              (k, e) -> {
                if (!pinned.containsKey(e.fileId())) {
                  // Under the read lock no merge can retire a file the key directory points at.
                  DataFile f = filesById.get(e.fileId());
                  if (f == null || !f.retain()) {
                    throw new IllegalStateException("scan found a retired data file for " + e);
                  }
                  pinned.put(f.id, f);
                }
              });
    } catch (RuntimeException ex) {
      pinned.values().forEach(this::release);
      throw ex;
    }
    return new TableScan(slots, pinned);
  }

  /** A consistent view: the slots were copied at once; values are read lazily. */
  private final class TableScan implements Scan {
    private final Iterator<KeyDir.Slot> it;
    private final Map<Integer, DataFile> pinned;
    private boolean released;

    TableScan(List<KeyDir.Slot> slots, Map<Integer, DataFile> pinned) {
      this.it = slots.iterator();
      this.pinned = pinned;
    }

    @Override
    public boolean hasNext() {
      return !released && it.hasNext();
    }

    @Override
    public KeyValue next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      checkUsable();
      KeyDir.Slot s = it.next();
      DataFile f = pinned.get(s.entry().fileId());
      return new KeyValue(s.key().clone(), readValue(f, s.entry(), s.key()));
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        pinned.values().forEach(BitcaskTable.this::release);
      }
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    StorageException failure = engine.failure();
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    long size = 0;
    for (WriteBatch.Mutation m : batch.mutations()) {
      if (m.key().length > RecordCodec.MAX_KEY_BYTES) {
        throw new IllegalArgumentException("key longer than " + RecordCodec.MAX_KEY_BYTES);
      }
      if (m.value() != null && m.value().length > RecordCodec.MAX_VALUE_BYTES) {
        throw new IllegalArgumentException("value longer than " + RecordCodec.MAX_VALUE_BYTES);
      }
      size += RecordCodec.encodedSize(m.key().length, m.value() == null ? 0 : m.value().length);
    }
    if (size > BitcaskEngine.MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "batch of " + size + " bytes exceeds " + BitcaskEngine.MAX_BATCH_BYTES);
    }
    return committer.submit(batch, durability);
  }

  /** One record as written: where it went, to publish once the group is durable enough. */
  private record Written(byte[] key, KeyDirEntry entry, boolean tombstone) {}

  /** The group-commit sink; runs on the commit thread only. */
  private void commit(List<WriteBatch> group, boolean sync) throws IOException {
    commitThread = Thread.currentThread();
    StorageException failure = engine.failure();
    if (failure != null) {
      throw failure;
    }
    try {
      List<Written> written = new ArrayList<>();
      ByteBuffer buf = buffer;
      buf.clear();
      long seq = nextSeq.get();
      for (WriteBatch batch : group) {
        if (batch.size() == 0) {
          continue;
        }
        long batchBytes = 0;
        for (WriteBatch.Mutation m : batch.mutations()) {
          batchBytes +=
              RecordCodec.encodedSize(m.key().length, m.value() == null ? 0 : m.value().length);
        }
        long fileSize = active.size() + buf.position();
        if (fileSize > 0 && fileSize + batchBytes > active.capacity()) {
          nextSeq.set(seq);
          flush(buf);
          // Force and publish what went into the old file before it becomes immutable: a merge
          // may pick it up the moment it is, and judges liveness by the key directory.
          active.handle.force();
          publish(written);
          written.clear();
          rollover();
        }
        if (active.size() + batchBytes > active.capacity()) {
          // A batch larger than a whole (empty) file: give this file the room it needs.
          growActive(batchBytes);
        }
        if (buf.remaining() < batchBytes) {
          ByteBuffer bigger =
              ByteBuffer.allocate((int) Math.max(buf.capacity() * 2L, buf.position() + batchBytes));
          buf.flip();
          bigger.put(buf);
          buf = bigger;
        }
        List<WriteBatch.Mutation> ms = batch.mutations();
        for (int i = 0; i < ms.size(); i++) {
          WriteBatch.Mutation m = ms.get(i);
          long offset = active.size() + buf.position();
          int start = buf.position();
          RecordCodec.encode(buf, seq, m.key(), m.value(), i == ms.size() - 1);
          int recordSize = buf.position() - start;
          written.add(
              new Written(
                  m.key(),
                  new KeyDirEntry(active.id, (int) offset, recordSize, seq),
                  m.isDelete()));
          seq++;
        }
      }
      nextSeq.set(seq);
      flush(buf);
      if (sync) {
        active.handle.force();
      }
      publish(written);
      maybePrepareNext();
    } catch (IOException | RuntimeException | Error e) {
      engine.fail(name, e);
      throw e;
    }
  }

  /** Writes the encoded records in place, into the zeros ahead of the active file's last record. */
  private void flush(ByteBuffer buf) throws IOException {
    buf.flip();
    int n = buf.remaining();
    if (n > 0) {
      DataFile f = active;
      long at = f.size();
      try {
        f.handle.write(buf, at);
      } finally {
        // Count what reached the file even on a short write, so offsets stay honest.
        f.grow(n - buf.remaining());
      }
      bytesWritten.addAndGet(n);
    }
    buf.clear();
  }

  private void publish(List<Written> written) {
    keyDir.exclusive(
        () -> {
          for (Written w : written) {
            KeyDirEntry old;
            if (w.tombstone) {
              old = keyDir.remove(w.key);
              addDead(w.entry.fileId(), w.entry.size());
            } else {
              old = keyDir.put(w.key, w.entry);
            }
            if (old != null) {
              addDead(old.fileId(), old.size());
            }
          }
        });
  }

  private void addDead(int fileId, long bytes) {
    DataFile f = filesById.get(fileId);
    if (f != null) {
      f.addDead(bytes);
    }
  }

  /**
   * Makes the active file immutable and starts a new one: force the old file (so only the newest
   * file can ever have an unsynced tail), trim its unused zeros and force that too (so only the
   * newest file can ever have a zero tail), take the prepared next file (or prepare it now), list
   * it in the manifest, then write the old file's hint in the background.
   */
  private void rollover() throws IOException {
    DataFile old = active;
    long nextCapacity = nextCapacity(old);
    old.handle.force();
    trim(old);
    DataFile next = null;
    Preparation p = preparation;
    preparation = null;
    if (p != null) {
      next = p.take();
    }
    if (next == null) {
      next = createPreallocated(io, dir, nextFileId.getAndIncrement(), nextCapacity);
    }
    synchronized (filesLock) {
      files.add(next);
      filesById.put(next.id, next);
      writeManifestLocked();
    }
    active = next;
    rollovers.incrementAndGet();
    scheduleMaintenance(() -> writeHintFor(old));
    maybeScheduleMerge();
  }

  /** Cuts a file that stops being active to where its records end, durably. */
  private static void trim(DataFile f) throws IOException {
    if (f.capacity() > f.size()) {
      f.handle.truncate(f.size());
      f.handle.force();
      f.setCapacity(f.size());
    }
  }

  /** The capacity of the file after {@code f}: double, up to {@code max.file.bytes}. */
  private long nextCapacity(DataFile f) {
    return Math.min(options.maxFileBytes(), Math.max(INITIAL_CAPACITY, 2 * f.capacity()));
  }

  /**
   * Once the active file is half full, prepares the next one on the maintenance executor, so a
   * rollover finds it ready and the commit thread never writes zeros or creates a file itself.
   */
  private void maybePrepareNext() {
    DataFile f = active;
    if (preparation == null && f.size() > f.capacity() / 2) {
      Preparation p = new Preparation(nextFileId.getAndIncrement(), nextCapacity(f));
      preparation = p;
      scheduleMaintenance(p);
    }
  }

  /** Extends the (empty) active file with forced zeros to {@code bytes} and maps it again. */
  private void growActive(long bytes) throws IOException {
    DataFile f = active;
    fillZeros(f.handle, bytes - f.capacity());
    f.handle.force();
    f.setCapacity(bytes);
    f.map();
  }

  /**
   * Creates data file {@code id} filled with {@code capacity} zeros, forced, its name made durable
   * and the file mapped. Records are later written over the zeros, so forcing them changes no file
   * size and allocates no blocks: the fsync on the write path has only data pages to write.
   */
  private static DataFile createPreallocated(FileIo io, Path dir, int id, long capacity)
      throws IOException {
    Path path = TableFiles.data(dir, id);
    FileHandle h = io.create(path);
    try {
      fillZeros(h, capacity);
      h.force();
      io.fsyncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      closeQuietly(h);
      try {
        io.delete(path);
      } catch (IOException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
    DataFile f = new DataFile(id, path, h, 0, capacity);
    f.map();
    return f;
  }

  private static void fillZeros(FileHandle h, long bytes) throws IOException {
    for (long left = bytes; left > 0; ) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(z.capacity(), left));
      left -= z.remaining();
      h.append(z);
    }
  }

  /**
   * The next active file, prepared by whichever comes first: the maintenance executor or a rollover
   * that cannot wait ({@link #take}).
   */
  private final class Preparation implements Runnable {
    private final int id;
    private final long capacity;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<DataFile> result = new CompletableFuture<>();

    Preparation(int id, long capacity) {
      this.id = id;
      this.capacity = capacity;
    }

    @Override
    public void run() {
      if (!claimed.compareAndSet(false, true)) {
        return;
      }
      try {
        result.complete(createPreallocated(io, dir, id, capacity));
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      }
    }

    /** The prepared file, preparing it here if nobody has started; {@code null} if it failed. */
    DataFile take() {
      run();
      try {
        return result.join();
      } catch (CompletionException e) {
        LOG.warn("{}: preparing data file {} failed; trying again", dir, id, e.getCause());
        return null;
      }
    }

    /** Deletes the prepared file (waiting for a preparation under way), unless it never started. */
    void discard() {
      if (claimed.compareAndSet(false, true)) {
        return;
      }
      try {
        DataFile f = result.join();
        f.dispose();
        deleteQuietly(f.path);
      } catch (CompletionException e) {
        // Nothing was left behind: a failed preparation deletes its file.
      }
    }
  }

  private void writeManifestLocked() throws IOException {
    List<Integer> ids = new ArrayList<>(files.size());
    for (DataFile f : files) {
      ids.add(f.id);
    }
    TableFiles.writeManifest(
        io, dir, new ManifestCodec.Manifest(nextSeq.get(), nextFileId.get(), ids));
  }

  // ---------------------------------------------------------------- hints and maintenance

  private void scheduleMaintenance(Runnable task) {
    CompletableFuture<Void> f;
    try {
      f = CompletableFuture.runAsync(task, engine.maintenanceExecutor());
    } catch (RejectedExecutionException e) {
      return;
    }
    maintenance.add(f);
    maintenance.removeIf(CompletableFuture::isDone);
  }

  private void writeHintFor(DataFile f) {
    if (closed || !f.retain()) {
      return;
    }
    try {
      List<HintEntry> entries = new ArrayList<>();
      DataFileScanner.End end =
          DataFileScanner.scan(
              f.handle,
              f.size(),
              (offset, h, buf, start) -> {
                byte[] key = new byte[h.keyLength()];
                buf.get(start + RecordCodec.HEADER_SIZE, key);
                entries.add(
                    new HintEntry(h.tombstone(), h.seq(), (int) offset, h.recordSize(), key));
              });
      if (end instanceof DataFileScanner.Bad bad) {
        LOG.error(
            "{}: not writing a hint: record at offset {} is bad ({})",
            f.path,
            bad.offset(),
            bad.reason());
        return;
      }
      writeHint(io, dir, f.id, f.size(), entries);
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("{}: writing the hint file failed; recovery will scan the data file", f.path, e);
      }
    } finally {
      release(f);
    }
  }

  /**
   * Writes a hint atomically (temp file, force, rename). The rename is not fsynced: a hint that is
   * lost only costs a scan on the next open.
   */
  private static void writeHint(FileIo io, Path dir, int id, long dataSize, List<HintEntry> entries)
      throws IOException {
    TableFiles.replaceAtomically(
        io, TableFiles.hint(dir, id), HintCodec.encode(id, dataSize, entries), false);
  }

  private void maybeScheduleMerge() {
    if (!options.mergePolicy().enabled() || mergeScheduled.get()) {
      return;
    }
    long dead = 0;
    long total = 0;
    synchronized (filesLock) {
      for (int i = 0; i < files.size() - 1; i++) {
        dead += files.get(i).deadBytes();
        total += files.get(i).size();
      }
    }
    if (options.mergePolicy().shouldMerge(dead, total)
        && mergeScheduled.compareAndSet(false, true)) {
      long d = dead;
      long t = total;
      scheduleMaintenance(
          () -> {
            try {
              if (!closed && engine.failure() == null) {
                LOG.info("{}: background merge: {} of {} immutable bytes are dead", dir, d, t);
                merge();
              }
            } catch (StorageException e) {
              if (!closed) {
                LOG.warn("{}: background merge failed", dir, e);
              }
            } finally {
              mergeScheduled.set(false);
            }
          });
    }
  }

  // ---------------------------------------------------------------- merge

  /** A live record the merge copied, to be re-pointed if the key still points at the original. */
  private record Relocation(byte[] key, KeyDirEntry from, KeyDirEntry to) {}

  /** A merge output file being written. */
  private static final class Output {
    final int id;
    final Path tmpData;
    final FileHandle handle;
    final List<HintEntry> hints = new ArrayList<>();
    long size;

    Output(int id, Path tmpData, FileHandle handle) {
      this.id = id;
      this.tmpData = tmpData;
      this.handle = handle;
    }
  }

  /**
   * Merges every immutable data file into new files holding only live records, while reads and
   * writes go on. Crash safety: outputs are written as temp files, forced, renamed and the
   * directory fsynced; only then does the manifest switch to them; inputs are deleted oldest first
   * once no reader holds them.
   */
  MergeStats merge() {
    mergeLock.lock();
    try {
      checkUsable();
      List<DataFile> inputs;
      synchronized (filesLock) {
        inputs = new ArrayList<>(files.subList(0, files.size() - 1));
      }
      if (inputs.isEmpty() || (inputs.size() == 1 && inputs.get(0).deadBytes() == 0)) {
        return MergeStats.NONE;
      }
      for (DataFile f : inputs) {
        if (!f.retain()) {
          throw new IllegalStateException("merge input " + f + " was already retired");
        }
      }
      try {
        return mergeRetained(inputs);
      } finally {
        inputs.forEach(this::release);
      }
    } catch (IOException e) {
      throw new StorageException(name + ": merge failed", e);
    } finally {
      mergeLock.unlock();
    }
  }

  private MergeStats mergeRetained(List<DataFile> inputs) throws IOException {
    List<Output> outputs = new ArrayList<>();
    List<Relocation> relocations = new ArrayList<>();
    long[] kept = new long[1];
    long[] dropped = new long[1];
    long bytesIn = 0;
    ByteBuffer out = ByteBuffer.allocate(1 << 20);
    boolean committed = false;
    try {
      for (DataFile in : inputs) {
        checkUsable();
        bytesIn += in.size();
        ByteBuffer[] outRef = {out};
        DataFileScanner.End end =
            DataFileScanner.scan(
                in.handle,
                in.size(),
                (offset, h, buf, start) -> {
                  if (h.tombstone()) {
                    dropped[0]++;
                    return;
                  }
                  byte[] key = new byte[h.keyLength()];
                  buf.get(start + RecordCodec.HEADER_SIZE, key);
                  KeyDirEntry e = keyDir.get(key);
                  if (e == null || e.fileId() != in.id || e.offset() != offset) {
                    dropped[0]++;
                    return;
                  }
                  int size = h.recordSize();
                  Output o = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
                  long oSize = o == null ? 0 : o.size + outRef[0].position();
                  if (o == null || (oSize > 0 && oSize + size > options.maxFileBytes())) {
                    if (o != null) {
                      drain(o, outRef[0]);
                    }
                    o = newOutput();
                    outputs.add(o);
                  }
                  if (outRef[0].remaining() < size) {
                    drain(o, outRef[0]);
                    if (outRef[0].capacity() < size) {
                      outRef[0] = ByteBuffer.allocate(size);
                    }
                  }
                  long newOffset = o.size + outRef[0].position();
                  int at = outRef[0].position();
                  ByteBuffer rec = buf.duplicate();
                  rec.limit(start + size).position(start);
                  outRef[0].put(rec);
                  // Every copied record is a batch of its own; its seq is kept.
                  RecordCodec.setFlags(outRef[0], at, RecordCodec.BATCH_END);
                  o.hints.add(new HintEntry(false, h.seq(), (int) newOffset, size, key));
                  relocations.add(
                      new Relocation(
                          key, e, new KeyDirEntry(o.id, (int) newOffset, size, h.seq())));
                  kept[0]++;
                });
        out = outRef[0];
        if (end instanceof DataFileScanner.Bad bad) {
          throw new CorruptionException(
              in.path.toString(), bad.offset(), bad.reason() + " (found by merge)");
        }
      }
      if (!outputs.isEmpty()) {
        drain(outputs.get(outputs.size() - 1), out);
      }
      // Records were judged dead against the key directory, which also holds writes that are not
      // yet durable. Force them before the merge can become durable, or a power loss could keep
      // the merge but lose the overwrite or tombstone that made a dropped record dead.
      syncBarrier();
      // Make the outputs durable under temp names, then give them their real names.
      for (Output o : outputs) {
        o.handle.force();
        o.handle.close();
        Path hintTmp = TableFiles.tmp(TableFiles.hint(dir, o.id));
        try (FileHandle h = io.create(hintTmp)) {
          h.append(ByteBuffer.wrap(HintCodec.encode(o.id, o.size, o.hints)));
          h.force();
        }
      }
      checkUsable();
      for (Output o : outputs) {
        io.rename(o.tmpData, TableFiles.data(dir, o.id));
        io.rename(TableFiles.tmp(TableFiles.hint(dir, o.id)), TableFiles.hint(dir, o.id));
      }
      io.fsyncDirectory(dir);
      committed = true;
    } finally {
      if (!committed) {
        for (Output o : outputs) {
          closeQuietly(o.handle);
          deleteQuietly(o.tmpData);
          deleteQuietly(TableFiles.tmp(TableFiles.hint(dir, o.id)));
        }
      }
    }
    // Past this point a failure leaves the file set and the manifest out of step: fatal.
    try {
      List<DataFile> newFiles = new ArrayList<>();
      for (Output o : outputs) {
        Path p = TableFiles.data(dir, o.id);
        DataFile f = new DataFile(o.id, p, io.open(p), o.size);
        f.map();
        newFiles.add(f);
        filesById.put(f.id, f);
      }
      long[] lost = new long[1];
      keyDir.exclusive(
          () -> {
            for (Relocation r : relocations) {
              if (!keyDir.compareAndSet(r.key, r.from, r.to)) {
                lost[0]++;
                addDead(r.to.fileId(), r.to.size());
              }
            }
          });
      synchronized (filesLock) {
        files.removeAll(inputs);
        files.addAll(0, newFiles);
        writeManifestLocked();
      }
      for (DataFile in : inputs) {
        filesById.remove(in.id);
        synchronized (obsolete) {
          obsolete.addLast(in);
        }
      }
      for (DataFile in : inputs) {
        release(in); // the file set's reference
      }
      merges.incrementAndGet();
      long bytesOut = 0;
      for (Output o : outputs) {
        bytesOut += o.size;
      }
      MergeStats stats =
          new MergeStats(
              inputs.size(), outputs.size(), bytesIn, bytesOut, kept[0], dropped[0], lost[0]);
      LOG.debug("{}: merged {}", dir, stats);
      return stats;
    } catch (IOException | RuntimeException e) {
      engine.fail(name, e);
      throw e;
    }
  }

  /** Waits until every write published so far is forced to disk, through the commit thread. */
  private void syncBarrier() throws IOException {
    if (Thread.currentThread() == commitThread) {
      // A merge run inline by a rollover (an inline maintenance executor): we own the file.
      active.handle.force();
      return;
    }
    try {
      committer.submit(EMPTY_BATCH, Durability.SYNC).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof StorageException se) {
        throw se;
      }
      throw new StorageException(name + ": sync before merge commit failed", e.getCause());
    }
  }

  private Output newOutput() throws IOException {
    int id = nextFileId.getAndIncrement();
    Path tmp = TableFiles.tmp(TableFiles.data(dir, id));
    io.delete(tmp);
    return new Output(id, tmp, io.create(tmp));
  }

  private static void drain(Output o, ByteBuffer buf) throws IOException {
    buf.flip();
    int n = buf.remaining();
    o.handle.append(buf);
    o.size += n;
    buf.clear();
  }

  private void release(DataFile f) {
    if (f.release()) {
      deleteObsolete();
    }
  }

  /**
   * Deletes retired files oldest first, stopping at the first one a reader still holds, so that a
   * crash part-way never leaves an older file without the newer ones (where a tombstone may live).
   */
  private void deleteObsolete() {
    synchronized (obsolete) {
      // After close the directory may belong to another engine; the next open deletes leftovers.
      while (!closed && !obsolete.isEmpty() && obsolete.peekFirst().refs() == 0) {
        DataFile f = obsolete.pollFirst(); // already unmapped and closed by its last release
        deleteQuietly(f.path);
        deleteQuietly(TableFiles.hint(dir, f.id));
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle and stats

  long groups() {
    return committer.groups();
  }

  long requests() {
    return committer.requests();
  }

  long syncs() {
    return committer.syncs();
  }

  long rollovers() {
    return rollovers.get();
  }

  long bytesWritten() {
    return bytesWritten.get();
  }

  long merges() {
    return merges.get();
  }

  int keys() {
    return keyDir.size();
  }

  int fileCount() {
    synchronized (filesLock) {
      return files.size();
    }
  }

  long deadBytes() {
    long dead = 0;
    synchronized (filesLock) {
      for (DataFile f : files) {
        dead += f.deadBytes();
      }
    }
    return dead;
  }

  /** Test hook: the ids of the live data files, oldest first. */
  List<Integer> fileIds() {
    synchronized (filesLock) {
      List<Integer> ids = new ArrayList<>();
      for (DataFile f : files) {
        ids.add(f.id);
      }
      return ids;
    }
  }

  /** Test hook: waits for background hint writes and merges scheduled so far. */
  void awaitMaintenance() {
    for (CompletableFuture<Void> f; (f = maintenance.poll()) != null; ) {
      f.exceptionally(t -> null).join();
    }
  }

  /**
   * Closes the table: writes what is queued, waits for a running merge and pending hint writes,
   * forces and trims the active file and releases every file. Idempotent.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    committer.close();
    // A running merge notices the flag and stops (or finishes, if past its commit point).
    mergeLock.lock();
    mergeLock.unlock();
    awaitMaintenance();
    Preparation p = preparation;
    preparation = null;
    if (p != null) {
      p.discard();
    }
    if (engine.failure() == null) {
      try {
        active.handle.force();
        trim(active);
      } catch (IOException e) {
        engine.fail(name, e);
        LOG.error("{}: forcing the active file on close failed", dir, e);
      }
    }
    // Drop the file set's references: each file is unmapped and closed now, or by the last get or
    // scan still reading it (never under a reader's feet). Retired files still held by a scan the
    // caller has not closed are left to that scan; the next open deletes them.
    synchronized (filesLock) {
      for (DataFile f : files) {
        f.release();
      }
    }
  }

  private void checkUsable() {
    if (closed) {
      throw closedException();
    }
    StorageException failure = engine.failure();
    if (failure != null) {
      throw failure;
    }
  }

  private RuntimeException closedOr(IOException e) {
    if (closed) {
      return closedException();
    }
    return new StorageException(name + ": read failed", e);
  }

  private StorageClosedException closedException() {
    return new StorageClosedException("bitcask table " + name + " is closed");
  }

  private static void closeQuietly(FileHandle h) {
    try {
      h.close();
    } catch (IOException e) {
      LOG.debug("closing a data file failed", e);
    }
  }

  private void deleteQuietly(Path p) {
    try {
      io.delete(p);
    } catch (IOException e) {
      LOG.warn("{}: deleting {} failed", dir, p, e);
    }
  }
}
