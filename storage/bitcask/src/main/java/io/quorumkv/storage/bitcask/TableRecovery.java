package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.bitcask.format.HintCodec;
import io.quorumkv.storage.bitcask.format.HintEntry;
import io.quorumkv.storage.bitcask.format.ManifestCodec;
import io.quorumkv.storage.bitcask.format.RecordCodec;
import io.quorumkv.storage.bitcask.format.RecordHeader;
import io.quorumkv.storage.bitcask.io.FileHandle;
import io.quorumkv.storage.bitcask.io.FileIo;
import io.quorumkv.storage.bitcask.keydir.KeyDir;
import io.quorumkv.storage.bitcask.keydir.KeyDirEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a table's key directory from its directory after a clean or unclean shutdown.
 *
 * <ol>
 *   <li>Temp files are deleted; the {@code MANIFEST} names the live data files, oldest first. A
 *       listed file that is missing fails the open; unlisted data files (an interrupted rollover or
 *       merge) are deleted.
 *   <li>Every file but the last is immutable and was forced before a newer file was created: it is
 *       loaded from its hint file if that checks out, else scanned, and any bad record in it is
 *       corruption.
 *   <li>The last file was the active one, preallocated with zeros. Zeros after the last record are
 *       its unused space; a damaged or incomplete tail (nothing valid after the first bad record)
 *       is a torn write. Either is truncated to the end of the last complete batch. A bad record
 *       followed by a valid one is corruption in the middle of the file and fails the open rather
 *       than dropping data silently.
 *   <li>Each key resolves to its record with the highest sequence number, whatever file holds it
 *       (merge output may sit before newer files); a tombstone there deletes the key, so an older
 *       put cannot outrank a newer delete. Records are collected, sorted once and the key directory
 *       is built from the sorted result.
 * </ol>
 */
final class TableRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(TableRecovery.class);

  /**
   * The recovered state of a table.
   *
   * @param files the live data files, oldest first, the old active file truncated and immutable
   * @param keyDir every live key
   * @param nextSeq the next sequence number to assign
   * @param nextFileId the next data file id to assign
   * @param hints hint files to write for files that had to be scanned
   * @param dropped empty data files left out of {@code files}, to delete once a new manifest is out
   */
  record Recovered(
      List<DataFile> files,
      KeyDir keyDir,
      long nextSeq,
      int nextFileId,
      Map<DataFile, List<HintEntry>> hints,
      List<DataFile> dropped) {}

  private final FileIo io;
  private final Path dir;

  /** Every record found (hints and scans), in the order read: oldest file first. */
  private final List<Found> found = new ArrayList<>();

  private long maxSeq;

  private TableRecovery(FileIo io, Path dir) {
    this.io = io;
    this.dir = dir;
  }

  /**
   * Recovers the table kept in {@code dir}.
   *
   * @throws CorruptionException on damage that must not be repaired silently
   */
  static Recovered recover(FileIo io, Path dir) throws IOException {
    return new TableRecovery(io, dir).run();
  }

  private Recovered run() throws IOException {
    TreeSet<Integer> dataIds = new TreeSet<>();
    TreeSet<Integer> hintIds = new TreeSet<>();
    boolean hasManifest = false;
    for (String name : io.list(dir)) {
      if (name.endsWith(TableFiles.TMP_SUFFIX)) {
        io.delete(dir.resolve(name));
      } else if (name.equals(TableFiles.MANIFEST)) {
        hasManifest = true;
      } else if (TableFiles.idOf(name, TableFiles.DATA_SUFFIX) >= 0) {
        dataIds.add(TableFiles.idOf(name, TableFiles.DATA_SUFFIX));
      } else if (TableFiles.idOf(name, TableFiles.HINT_SUFFIX) >= 0) {
        hintIds.add(TableFiles.idOf(name, TableFiles.HINT_SUFFIX));
      } else {
        LOG.warn("{}: ignoring unexpected file {}", dir, name);
      }
    }
    Path manifestPath = dir.resolve(TableFiles.MANIFEST);
    ManifestCodec.Manifest manifest;
    if (hasManifest) {
      try {
        manifest = ManifestCodec.decode(io.readAll(manifestPath));
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(manifestPath.toString(), 0, e.getMessage());
      }
    } else {
      // A table directory whose first manifest never made it to disk holds only empty files.
      for (int id : dataIds) {
        long size = nonZeroBytes(TableFiles.data(dir, id));
        if (size > 0) {
          throw new CorruptionException(
              manifestPath.toString(),
              0,
              "MANIFEST is missing but data file "
                  + TableFiles.data(dir, id)
                  + " holds "
                  + size
                  + " bytes");
        }
      }
      manifest = new ManifestCodec.Manifest(1, 1, List.of());
    }
    Set<Integer> listed = new HashSet<>(manifest.fileIds());
    if (listed.size() != manifest.fileIds().size()) {
      throw new CorruptionException(manifestPath.toString(), 0, "a data file is listed twice");
    }
    for (int id : manifest.fileIds()) {
      if (!dataIds.contains(id)) {
        throw new CorruptionException(
            TableFiles.data(dir, id).toString(),
            0,
            "data file listed in MANIFEST is missing (deleted or lost); refusing to open"
                + " rather than silently dropping its records");
      }
    }
    int maxId = 0;
    for (int id : dataIds) {
      maxId = Math.max(maxId, id);
      if (!listed.contains(id)) {
        // Left over from a rollover or merge that crashed before its manifest, or from a merge
        // that crashed while deleting its inputs; either way nothing live is in it.
        LOG.info("{}: deleting data file {} that the MANIFEST does not list", dir, id);
        io.delete(TableFiles.data(dir, id));
        io.delete(TableFiles.hint(dir, id));
      }
    }
    for (int id : hintIds) {
      maxId = Math.max(maxId, id);
      if (!listed.contains(id)) {
        io.delete(TableFiles.hint(dir, id));
      }
    }

    List<DataFile> files = new ArrayList<>();
    Map<DataFile, List<HintEntry>> hints = new LinkedHashMap<>();
    List<DataFile> dropped = new ArrayList<>();
    try {
      List<Integer> ids = manifest.fileIds();
      for (int i = 0; i < ids.size(); i++) {
        int id = ids.get(i);
        boolean last = i == ids.size() - 1;
        Path path = TableFiles.data(dir, id);
        FileHandle h = io.open(path);
        DataFile f = new DataFile(id, path, h, h.size());
        files.add(f);
        if (!last && loadHint(f, hintIds.contains(id))) {
          continue;
        }
        List<HintEntry> entries = scan(f, last);
        if (f.size() == 0) {
          files.remove(f);
          dropped.add(f);
        } else {
          hints.put(f, entries);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (DataFile f : files) {
        closeQuietly(f);
      }
      throw e;
    }
    KeyDir keyDir = resolve();
    Map<Integer, Long> live = new HashMap<>();
    keyDir.forEach((k, e) -> live.merge(e.fileId(), (long) e.size(), Long::sum));
    for (DataFile f : files) {
      f.addDead(f.size() - live.getOrDefault(f.id, 0L));
    }
    long nextSeq = Math.max(manifest.nextSeq(), maxSeq + 1);
    int nextFileId = Math.max(manifest.nextFileId(), maxId + 1);
    return new Recovered(files, keyDir, nextSeq, nextFileId, hints, dropped);
  }

  /** How far the file holds anything but zeros (a preallocated, unused file holds none). */
  private long nonZeroBytes(Path p) throws IOException {
    try (FileHandle h = io.open(p)) {
      return DataFileScanner.lastNonZero(h, 0, h.size()) + 1;
    }
  }

  /** Loads {@code f} from its hint file; false (after a warning) if the hint is missing or bad. */
  private boolean loadHint(DataFile f, boolean exists) throws IOException {
    Path hp = TableFiles.hint(dir, f.id);
    if (!exists) {
      LOG.warn("{}: hint file {} is missing; scanning the data file instead", dir, hp);
      return false;
    }
    HintCodec.Decoded d = HintCodec.decode(io.readAll(hp));
    String problem = null;
    if (d instanceof HintCodec.Invalid inv) {
      problem = inv.reason();
    } else if (d instanceof HintCodec.Valid v) {
      if (v.fileId() != f.id) {
        problem = "it describes data file " + v.fileId();
      } else if (v.dataSize() != f.size()) {
        problem = "it describes " + v.dataSize() + " bytes but the data file has " + f.size();
      } else {
        for (HintEntry e : v.entries()) {
          if ((long) e.offset() + e.size() > f.size()) {
            problem = "an entry points past the end of the data file";
            break;
          }
        }
      }
      if (problem == null) {
        for (HintEntry e : v.entries()) {
          apply(f.id, e.tombstone(), e.seq(), e.offset(), e.size(), e.key());
        }
        return true;
      }
    }
    LOG.warn("{}: hint file {} is unusable ({}); scanning the data file instead", dir, hp, problem);
    return false;
  }

  /** Scans a data file, applying complete batches; returns its hint entries. */
  private List<HintEntry> scan(DataFile f, boolean last) throws IOException {
    FileLoad load = new FileLoad(f.id);
    long size = f.size();
    DataFileScanner.End end = DataFileScanner.scan(f.handle, size, load);
    String path = f.path.toString();
    boolean zeroTail = false;
    if (end instanceof DataFileScanner.Bad bad) {
      if (!last) {
        throw new CorruptionException(path, bad.offset(), bad.reason() + " in an immutable file");
      }
      // The active file is preallocated with zeros: after a crash everything past the last record
      // is normally zero, which is a clean end, not damage. Only non-zero bytes can hold a record.
      long lastNonZero = DataFileScanner.lastNonZero(f.handle, bad.offset(), size);
      zeroTail = lastNonZero < 0;
      long next =
          zeroTail
              ? -1
              : DataFileScanner.findValidRecordAfter(f.handle, size, bad.offset(), lastNonZero);
      if (next >= 0) {
        throw new CorruptionException(
            path,
            bad.offset(),
            bad.reason()
                + ", and a valid record follows at offset "
                + next
                + ": this is damage in the middle of the file, not a torn tail");
      }
    } else if (!load.pending.isEmpty() && !last) {
      throw new CorruptionException(
          path, load.validEnd, "a batch lacks its end record at the end of an immutable file");
    }
    if (load.validEnd < size) {
      if (zeroTail && load.pending.isEmpty()) {
        LOG.debug(
            "{}: trimming {} preallocated zero bytes after the last record at offset {}",
            path,
            size - load.validEnd,
            load.validEnd);
      } else {
        LOG.warn(
            "{}: truncating a torn tail of {} bytes at offset {} (an incomplete batch or a torn"
                + " write from before the crash)",
            path,
            size - load.validEnd,
            load.validEnd);
      }
      f.handle.truncate(load.validEnd);
      f.setSize(load.validEnd);
      f.setCapacity(load.validEnd);
    }
    f.handle.force();
    return load.entries;
  }

  /** A record found during recovery. */
  private record Found(byte[] key, KeyDirEntry entry, boolean tombstone) {}

  private void apply(int fileId, boolean tombstone, long seq, int offset, int size, byte[] key) {
    maxSeq = Math.max(maxSeq, seq);
    found.add(new Found(key, new KeyDirEntry(fileId, offset, size, seq), tombstone));
  }

  /**
   * Resolves every key to its record with the highest seq (a tombstone there means the key is gone;
   * on equal seqs, a merge's copy and its original, the one read first wins) and builds the key
   * directory from the sorted result in one linear pass. Sorting once is much cheaper than a
   * million random-order skip-list inserts, each a chain of cache misses.
   */
  private KeyDir resolve() {
    // Stable sort: equal keys and seqs keep the order they were read in.
    found.sort(
        (a, b) -> {
          int c = Arrays.compareUnsigned(a.key, b.key);
          return c != 0 ? c : Long.compare(b.entry.seq(), a.entry.seq());
        });
    List<byte[]> keys = new ArrayList<>();
    List<KeyDirEntry> entries = new ArrayList<>();
    byte[] previous = null;
    for (Found f : found) {
      if (previous != null && Arrays.equals(previous, f.key)) {
        continue; // an older record of a key already resolved
      }
      previous = f.key;
      if (!f.tombstone) {
        keys.add(f.key);
        entries.add(f.entry);
      }
    }
    found.clear();
    return KeyDir.fromSorted(keys, entries);
  }

  private static void closeQuietly(DataFile f) {
    try {
      f.handle.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed", f, e);
    }
  }

  /** Collects the records of one file, applying each batch once its end record is seen. */
  private final class FileLoad implements DataFileScanner.Visitor {
    private final int fileId;
    final List<HintEntry> entries = new ArrayList<>();
    final List<HintEntry> pending = new ArrayList<>();
    long validEnd;

    FileLoad(int fileId) {
      this.fileId = fileId;
    }

    @Override
    public void record(long offset, RecordHeader h, ByteBuffer buf, int start) {
      byte[] key = new byte[h.keyLength()];
      buf.get(start + RecordCodec.HEADER_SIZE, key);
      pending.add(new HintEntry(h.tombstone(), h.seq(), (int) offset, h.recordSize(), key));
      if (h.batchEnd()) {
        for (HintEntry e : pending) {
          apply(fileId, e.tombstone(), e.seq(), e.offset(), e.size(), e.key());
        }
        entries.addAll(pending);
        pending.clear();
        validEnd = offset + h.recordSize();
      }
    }
  }
}
