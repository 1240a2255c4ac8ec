package io.quorumkv.storage.bitcask.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An in-memory {@link FileIo} that simulates what a disk does on power loss, after TigerBeetle's
 * simulated storage and Lucene's {@code MockDirectoryWrapper}. Deterministic for a seed.
 *
 * <p>Every file remembers its changes since the last force (appends, positional writes over
 * existing bytes, truncations) with what they replaced; every directory remembers which of its
 * entries were fsynced. On {@link #powerLoss()} (or when the countdown set by {@link
 * #crashAfterOps} runs out) every later operation fails until {@link #restart()}, which rebuilds
 * the tree from the durable directory entries and keeps, of each file, its forced state plus a
 * random prefix of the unforced changes (in order, the last one possibly cut short), possibly with
 * a flipped byte near the end of that prefix or the lost bytes replaced by garbage or zeros. So a
 * file preallocated with forced zeros comes back with zeros where unforced records were lost, while
 * zeros that were never forced may be lost themselves (the file comes back shorter). It can also
 * fail writes with {@code ENOSPC} and forces with {@code EIO} on demand.
 *
 * <p>{@link FileHandle#map} returns a read-only view of the file's current bytes (the page cache),
 * valid until the file grows past it.
 */
public final class FaultyFileIo implements FileIo {

  private final Random rnd;
  private Dir root = new Dir();
  private long generation;
  private boolean powerLost;
  private long opsUntilCrash = -1;
  private long writeBudget = Long.MAX_VALUE;
  private int forceFailures;
  private long ops;
  private final List<String> damage = new ArrayList<>();
  private final java.util.Set<Path> locks = new java.util.HashSet<>();

  /** A simulated disk whose faults are drawn from {@code seed}. */
  public FaultyFileIo(long seed) {
    this.rnd = new Random(seed);
  }

  /** An unforced change: where, the bytes written (empty for a truncation), what they replaced. */
  private record Change(int position, byte[] written, byte[] replaced, int oldLength) {}

  private static final class Inode {
    byte[] data = new byte[64];
    int length;
    final List<Change> unsynced = new ArrayList<>();

    private void ensure(int size) {
      if (size > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size));
      }
    }

    /** Writes {@code n} bytes of {@code src} at {@code position}, remembering what they replace. */
    void write(ByteBuffer src, int position, int n) {
      byte[] bytes = new byte[n];
      src.get(bytes);
      int overlap = Math.max(0, Math.min(length, position + n) - position);
      byte[] replaced = Arrays.copyOfRange(data, position, position + overlap);
      unsynced.add(new Change(position, bytes, replaced, length));
      apply(position, bytes, n);
    }

    void truncate(int size) {
      if (size >= length) {
        return;
      }
      unsynced.add(new Change(size, new byte[0], Arrays.copyOfRange(data, size, length), length));
      length = size;
    }

    private void apply(int position, byte[] bytes, int n) {
      ensure(position + n);
      if (position > length) {
        Arrays.fill(data, length, position, (byte) 0);
      }
      System.arraycopy(bytes, 0, data, position, n);
      length = Math.max(length, position + n);
    }

    /** Rolls back every unforced change, newest first: what the disk holds. */
    void undoAll() {
      for (int i = unsynced.size() - 1; i >= 0; i--) {
        Change c = unsynced.get(i);
        ensure(c.oldLength);
        System.arraycopy(c.replaced, 0, data, c.position, c.replaced.length);
        length = c.oldLength;
      }
    }
  }

  private static final class Dir {
    final Map<String, Object> entries = new LinkedHashMap<>();
    Map<String, Object> durable = new LinkedHashMap<>();
  }

  // ---------------------------------------------------------------- fault controls

  /** Cuts the power now: every operation fails until {@link #restart()}. */
  public synchronized void powerLoss() {
    powerLost = true;
  }

  /** Cuts the power during the {@code n}-th mutating operation from now (1 = the next one). */
  public synchronized void crashAfterOps(long n) {
    opsUntilCrash = n;
  }

  /** Whether the power is off. */
  public synchronized boolean isPowerLost() {
    return powerLost;
  }

  /** Lets {@code bytes} more bytes be appended, then fails appends with ENOSPC. */
  public synchronized void failWritesAfter(long bytes) {
    writeBudget = bytes;
  }

  /** Fails the next {@code n} forces (file or directory) with EIO. */
  public synchronized void failForces(int n) {
    forceFailures = n;
  }

  /** Removes any pending ENOSPC or EIO fault. */
  public synchronized void clearFaults() {
    writeBudget = Long.MAX_VALUE;
    forceFailures = 0;
    opsUntilCrash = -1;
  }

  /** Mutating operations so far. */
  public synchronized long ops() {
    return ops;
  }

  /** What the last {@link #restart()} did to unsynced data, for failure messages. */
  public synchronized List<String> damage() {
    return List.copyOf(damage);
  }

  /** Creates {@code dir} and its parents and makes them durable at once (test setup). */
  public synchronized void mkdirsDurable(Path dir) {
    Dir d = root;
    for (Path name : dir) {
      Object child = d.entries.get(name.toString());
      if (child == null) {
        child = new Dir();
        d.entries.put(name.toString(), child);
        d.durable.put(name.toString(), child);
      }
      d = (Dir) child;
    }
  }

  /**
   * Restores power: the tree becomes what was durable, and each file keeps its forced bytes plus a
   * random, possibly damaged, prefix of the rest. Handles opened before are dead.
   */
  public synchronized void restart() {
    damage.clear();
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    root = rebuild(root, "", seen);
    generation++;
    locks.clear(); // the process died with the power
    powerLost = false;
    clearFaults();
  }

  private Dir rebuild(Dir d, String path, IdentityHashMap<Object, Boolean> seen) {
    Dir out = new Dir();
    for (Map.Entry<String, Object> e : d.durable.entrySet()) {
      Object v = e.getValue();
      String p = path + "/" + e.getKey();
      if (v instanceof Dir child) {
        Dir c = rebuild(child, p, seen);
        out.entries.put(e.getKey(), c);
      } else {
        Inode ino = (Inode) v;
        if (seen.put(ino, Boolean.TRUE) == null) {
          loseUnsynced(ino, p);
        }
        out.entries.put(e.getKey(), ino);
      }
    }
    out.durable = new LinkedHashMap<>(out.entries);
    return out;
  }

  private void loseUnsynced(Inode ino, String path) {
    List<Change> changes = new ArrayList<>(ino.unsynced);
    ino.undoAll();
    ino.unsynced.clear();
    int unsynced = 0;
    for (Change c : changes) {
      unsynced += c.written.length;
    }
    if (changes.isEmpty()) {
      return;
    }
    int keep =
        switch (rnd.nextInt(3)) {
          case 0 -> 0;
          case 1 -> unsynced;
          default -> rnd.nextInt(unsynced + 1);
        };
    // Replay the changes in order while the budget lasts; the last one may be cut short.
    int budget = keep;
    int end = -1; // just past the last kept byte
    int lastKept = 0; // how many bytes of the last write survived
    Change cut = null; // the write that was cut short (or the first one lost entirely)
    int cutKept = 0;
    for (Change c : changes) {
      if (c.written.length == 0) {
        if (budget > 0 || keep == unsynced) {
          ino.truncate(c.position); // a truncation survives only if everything before it did
          ino.unsynced.clear();
        }
        continue;
      }
      int n = Math.min(budget, c.written.length);
      if (n > 0) {
        ino.apply(c.position, c.written, n);
        end = c.position + n;
        lastKept = n;
      }
      budget -= n;
      if (n < c.written.length) {
        cut = c;
        cutKept = n;
        break;
      }
    }
    switch (rnd.nextInt(4)) {
      case 0 -> {
        // Flip a byte near the end of what survived: the last record is torn, nothing valid
        // can follow it (a record is longer than the window).
        if (end > 0 && lastKept > 0) {
          int window = Math.min(16, lastKept);
          int at = end - 1 - rnd.nextInt(window);
          ino.data[at] ^= (byte) (1 << rnd.nextInt(8));
          damage.add(path + ": flipped byte " + at);
        }
      }
      case 1, 2 -> {
        // Some lost blocks of the write that was cut short reached the disk as garbage, or the
        // file size was extended but the blocks were never written: zeros.
        if (cut != null) {
          int lost = cut.written.length - cutKept;
          int extra = rnd.nextInt(lost + 1);
          byte[] junk = new byte[extra];
          boolean garbage = rnd.nextBoolean();
          if (garbage) {
            rnd.nextBytes(junk);
          }
          ino.apply(cut.position + cutKept, junk, extra);
          if (extra > 0) {
            damage.add(
                path
                    + ": "
                    + extra
                    + (garbage ? " garbage" : " zero")
                    + " bytes at "
                    + (cut.position + cutKept));
          }
        }
      }
      default -> {}
    }
    ino.unsynced.clear();
    damage.add(path + ": kept " + keep + " of " + unsynced + " unsynced bytes");
  }

  // ---------------------------------------------------------------- FileIo

  private void live() throws IOException {
    if (powerLost) {
      throw new IOException("simulated power loss");
    }
  }

  /** Counts a mutating operation; returns true if the power goes out during it. */
  private boolean mutate() throws IOException {
    live();
    ops++;
    if (opsUntilCrash > 0 && --opsUntilCrash == 0) {
      powerLost = true;
      return true;
    }
    return false;
  }

  private Dir dir(Path path, boolean create) throws IOException {
    Dir d = root;
    for (Path name : path) {
      Object child = d.entries.get(name.toString());
      if (child == null && create) {
        child = new Dir();
        d.entries.put(name.toString(), child);
      }
      if (!(child instanceof Dir)) {
        throw new NoSuchFileException(path.toString());
      }
      d = (Dir) child;
    }
    return d;
  }

  private Object lookup(Path path) throws IOException {
    if (path.getNameCount() == 0) {
      return root;
    }
    Dir parent = path.getParent() == null ? root : dir(path.getParent(), false);
    return parent.entries.get(path.getFileName().toString());
  }

  private Dir parentOf(Path path) throws IOException {
    return dir(path.getParent(), false);
  }

  @Override
  public synchronized void createDirectories(Path dir) throws IOException {
    if (mutate()) {
      throw new IOException("simulated power loss");
    }
    dir(dir, true);
  }

  @Override
  public synchronized boolean exists(Path path) throws IOException {
    live();
    try {
      return lookup(path) != null;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public synchronized boolean isDirectory(Path path) throws IOException {
    live();
    try {
      return lookup(path) instanceof Dir;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public synchronized List<String> list(Path dir) throws IOException {
    live();
    return new ArrayList<>(dir(dir, false).entries.keySet());
  }

  @Override
  public synchronized FileHandle create(Path file) throws IOException {
    if (mutate()) {
      throw new IOException("simulated power loss");
    }
    Dir parent = parentOf(file);
    String name = file.getFileName().toString();
    if (parent.entries.containsKey(name)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Inode ino = new Inode();
    parent.entries.put(name, ino);
    return new Handle(ino, generation);
  }

  @Override
  public synchronized FileHandle open(Path file) throws IOException {
    live();
    Object o = lookup(file);
    if (!(o instanceof Inode ino)) {
      throw new NoSuchFileException(file.toString());
    }
    return new Handle(ino, generation);
  }

  @Override
  public synchronized void rename(Path from, Path to) throws IOException {
    if (mutate()) {
      throw new IOException("simulated power loss");
    }
    Dir src = parentOf(from);
    Object o = src.entries.remove(from.getFileName().toString());
    if (o == null) {
      throw new NoSuchFileException(from.toString());
    }
    parentOf(to).entries.put(to.getFileName().toString(), o);
  }

  @Override
  public synchronized void delete(Path path) throws IOException {
    if (mutate()) {
      throw new IOException("simulated power loss");
    }
    Dir parent;
    try {
      parent = parentOf(path);
    } catch (NoSuchFileException e) {
      return;
    }
    Object o = parent.entries.get(path.getFileName().toString());
    if (o instanceof Dir d && !d.entries.isEmpty()) {
      throw new DirectoryNotEmptyException(path.toString());
    }
    parent.entries.remove(path.getFileName().toString());
  }

  @Override
  public synchronized DirectoryLock lock(Path file) throws IOException {
    live();
    if (!locks.add(file)) {
      throw new IOException(file + " is locked");
    }
    long gen = generation;
    return () -> {
      synchronized (FaultyFileIo.this) {
        if (generation == gen) {
          locks.remove(file);
        }
      }
    };
  }

  @Override
  public synchronized void fsyncDirectory(Path dir) throws IOException {
    if (mutate()) {
      throw new IOException("simulated power loss");
    }
    if (forceFailures > 0) {
      forceFailures--;
      throw new IOException("Input/output error (simulated EIO on directory fsync)");
    }
    Dir d = dir(dir, false);
    d.durable = new LinkedHashMap<>(d.entries);
  }

  private final class Handle implements FileHandle {
    private final Inode ino;
    private final long gen;
    private boolean closed;

    Handle(Inode ino, long gen) {
      this.ino = ino;
      this.gen = gen;
    }

    private void check() throws IOException {
      if (closed || gen != generation) {
        throw new ClosedChannelException();
      }
      live();
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        write(src, ino.length);
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        int at = (int) position;
        int n = src.remaining();
        if (mutate()) {
          // The power went out mid-write: some prefix of it reached the page cache.
          ino.write(src, at, rnd.nextInt(n + 1));
          throw new IOException("simulated power loss");
        }
        if (writeBudget < n) {
          int part = (int) writeBudget;
          ino.write(src, at, part);
          writeBudget = 0;
          throw new IOException("No space left on device (simulated ENOSPC)");
        }
        if (writeBudget != Long.MAX_VALUE) {
          writeBudget -= n;
        }
        ino.write(src, at, n);
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        if (position >= ino.length) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), ino.length - position);
        dst.put(ino.data, (int) position, n);
        return n;
      }
    }

    @Override
    public ByteBuffer map(long size) throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        if (size > ino.length) {
          throw new IOException("cannot map " + size + " bytes of a " + ino.length + "-byte file");
        }
        // The array is replaced only when the file grows past its capacity; the engine maps again
        // after growing a file, and never writes past what it mapped otherwise.
        return ByteBuffer.wrap(ino.data, 0, (int) size).slice().asReadOnlyBuffer();
      }
    }

    @Override
    public long size() throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        return ino.length;
      }
    }

    @Override
    public void force() throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        if (mutate()) {
          throw new IOException("simulated power loss");
        }
        if (forceFailures > 0) {
          forceFailures--;
          throw new IOException("Input/output error (simulated EIO on fsync)");
        }
        ino.unsynced.clear();
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      synchronized (FaultyFileIo.this) {
        check();
        if (mutate()) {
          throw new IOException("simulated power loss");
        }
        ino.truncate((int) Math.min(ino.length, size));
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
