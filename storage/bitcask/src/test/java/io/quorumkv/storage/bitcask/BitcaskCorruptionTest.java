package io.quorumkv.storage.bitcask;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import io.quorumkv.storage.bitcask.format.HintCodec;
import io.quorumkv.storage.bitcask.format.RecordCodec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage on a real disk: each kind is detected by a checksum or the manifest, reported with file
 * and offset, and handled as {@code FORMAT.md} documents — a torn tail is cut off, damage anywhere
 * else refuses the open (or the read), a bad or missing hint only costs a scan.
 */
class BitcaskCorruptionTest {

  /** Record size for the keys and values below: 25-byte header, 6-byte key, 20-byte value. */
  private static final int RECORD = RecordCodec.HEADER_SIZE + 6 + 20;

  private static final Map<String, String> ONE_FILE = Map.of(BitcaskOptions.MERGE_AUTO, "false");
  private static final Map<String, String> SMALL_FILES =
      Map.of(BitcaskOptions.MAX_FILE_BYTES, "1024", BitcaskOptions.MERGE_AUTO, "false");

  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("key-%02d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return String.format("value-%014d", i).getBytes(UTF_8);
  }

  private Path table() {
    return dir.resolve("t");
  }

  private void writeKeys(Map<String, String> options, int n) {
    try (BitcaskEngine e = BitcaskEngine.open(dir, options)) {
      Table t = e.table("t");
      for (int i = 0; i < n; i++) {
        t.put(key(i), value(i), Durability.BUFFERED);
      }
      e.awaitMaintenance();
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  private int countKeys(BitcaskEngine e) {
    int n = 0;
    try (Scan s = e.table("t").scan(KeyRange.all())) {
      while (s.hasNext()) {
        s.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void truncatedTailIsCutOffAndTheRestSurvives() throws IOException {
    writeKeys(ONE_FILE, 10);
    Path data = TableFiles.data(table(), 1);
    assertThat(Files.size(data)).isEqualTo(10L * RECORD);
    truncate(data, 10L * RECORD - 7);
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      Table t = e.table("t");
      for (int i = 0; i < 9; i++) {
        assertThat(t.get(key(i))).isEqualTo(value(i));
      }
      assertThat(t.get(key(9))).isNull();
      assertThat(Files.size(data)).as("cut back to the last whole record").isEqualTo(9L * RECORD);
      t.put(key(9), value(99), Durability.SYNC);
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      assertThat(e.table("t").get(key(9))).isEqualTo(value(99));
      assertThat(countKeys(e)).isEqualTo(10);
    }
  }

  @Test
  void aBatchWithoutItsEndRecordIsDiscardedWhole() throws IOException {
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      Table t = e.table("t");
      t.put(key(0), value(0), Durability.SYNC);
      WriteBatch.Builder b = WriteBatch.builder();
      for (int i = 1; i <= 5; i++) {
        b.put(key(i), value(i));
      }
      t.write(b.build(), Durability.SYNC);
    }
    Path data = TableFiles.data(table(), 1);
    // Cut off exactly the batch's end record: the four before it are intact but must not count.
    truncate(data, 5L * RECORD);
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      assertThat(e.table("t").get(key(0))).isEqualTo(value(0));
      for (int i = 1; i <= 5; i++) {
        assertThat(e.table("t").get(key(i))).isNull();
      }
      assertThat(Files.size(data)).isEqualTo(RECORD);
    }
  }

  @Test
  void garbageAfterTheLastRecordIsATornTail() throws IOException {
    writeKeys(ONE_FILE, 5);
    Path data = TableFiles.data(table(), 1);
    Files.write(data, new byte[300], java.nio.file.StandardOpenOption.APPEND);
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      assertThat(countKeys(e)).isEqualTo(5);
      assertThat(Files.size(data)).isEqualTo(5L * RECORD);
    }
  }

  @Test
  void nonZeroGarbageAfterTheLastRecordIsATornTail() throws IOException {
    writeKeys(ONE_FILE, 5);
    Path data = TableFiles.data(table(), 1);
    byte[] garbage = new byte[300];
    new java.util.Random(42).nextBytes(garbage);
    Files.write(data, garbage, java.nio.file.StandardOpenOption.APPEND);
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      assertThat(countKeys(e)).isEqualTo(5);
      assertThat(Files.size(data)).isEqualTo(5L * RECORD);
    }
  }

  @Test
  void aCrashedActiveFileEndsInPreallocatedZerosThatRecoveryTrims() throws IOException {
    writeKeys(ONE_FILE, 5);
    Path data = TableFiles.data(table(), 1);
    // What a crash leaves: the records, then the rest of the 1 MiB the file was created with;
    // here the last record is torn as well.
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.setLength(BitcaskTable.INITIAL_CAPACITY);
      f.seek(4L * RECORD + 7);
      f.write(new byte[RECORD - 7]);
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      assertThat(countKeys(e)).isEqualTo(4);
      assertThat(Files.size(data)).isEqualTo(4L * RECORD);
    }
  }

  @Test
  void zerosFollowedByAValidRecordAreDamageNotATail() throws IOException {
    writeKeys(ONE_FILE, 10);
    Path data = TableFiles.data(table(), 1);
    long damaged = 3L * RECORD;
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.seek(damaged);
      f.write(new byte[2 * RECORD]); // a zeroed hole, records 3 and 4
      f.setLength(BitcaskTable.INITIAL_CAPACITY);
    }
    assertThatThrownBy(() -> BitcaskEngine.open(dir, ONE_FILE))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            c -> {
              assertThat(c.offset()).isEqualTo(damaged);
              assertThat(c.getMessage()).contains("valid record follows");
            });
  }

  @Test
  void theActiveFileIsPreallocatedAndTrimmedWhenItStopsBeingActive() throws IOException {
    Map<String, String> options =
        Map.of(BitcaskOptions.MAX_FILE_BYTES, "4096", BitcaskOptions.MERGE_AUTO, "false");
    int perFile = 4096 / RECORD;
    int n = 2 * perFile + perFile / 2 + 5; // the third file is more than half full
    try (BitcaskEngine e = BitcaskEngine.open(dir, options)) {
      Table t = e.table("t");
      Path first = TableFiles.data(table(), 1);
      assertThat(Files.size(first)).as("created full of zeros").isEqualTo(4096);
      for (int i = 0; i < n; i++) {
        t.put(key(i), value(i), Durability.SYNC);
      }
      e.awaitMaintenance();
      assertThat(e.openTable("t").fileIds()).containsExactly(1, 2, 3);
      assertThat(Files.size(first)).as("trimmed at rollover").isEqualTo((long) perFile * RECORD);
      assertThat(Files.size(TableFiles.data(table(), 3)))
          .as("active: preallocated")
          .isEqualTo(4096);
      assertThat(Files.size(TableFiles.data(table(), 4)))
          .as("the next file, prepared but not yet listed")
          .isEqualTo(4096);
    }
    assertThat(TableFiles.data(table(), 4)).as("discarded on close").doesNotExist();
    for (Path p : TestFiles.dataFiles(table())) {
      byte[] bytes = Files.readAllBytes(p);
      assertThat(bytes.length).as("%s trimmed", p).isLessThan(4096);
      assertThat(bytes[bytes.length - 1]).as("%s ends in a record, not in zeros", p).isNotZero();
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, options)) {
      for (int i = 0; i < n; i++) {
        assertThat(e.table("t").get(key(i))).isEqualTo(value(i));
      }
      // The discarded file's id was never listed, so the new active file may take it.
      assertThat(e.openTable("t").fileIds()).containsExactly(1, 2, 3, 4);
    }
  }

  @Test
  void flippedByteMidRecordFollowedByValidRecordsRefusesToOpen() throws IOException {
    writeKeys(ONE_FILE, 10);
    Path data = TableFiles.data(table(), 1);
    long damaged = 3L * RECORD;
    flipByte(data, damaged + RECORD - 5); // in record 3's value
    assertThatThrownBy(() -> BitcaskEngine.open(dir, ONE_FILE))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            c -> {
              assertThat(c.file()).isEqualTo(data.toString());
              assertThat(c.offset()).isEqualTo(damaged);
              assertThat(c.getMessage()).contains("body checksum").contains("valid record follows");
            });
    assertThat(Files.size(data)).as("nothing was truncated").isEqualTo(10L * RECORD);
  }

  @Test
  void flippedLengthFieldIsCaughtByTheHeaderChecksum() throws IOException {
    writeKeys(ONE_FILE, 10);
    Path data = TableFiles.data(table(), 1);
    long damaged = 4L * RECORD;
    flipByte(data, damaged + 19); // value length, high-order byte
    assertThatThrownBy(() -> BitcaskEngine.open(dir, ONE_FILE))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            c -> {
              assertThat(c.file()).isEqualTo(data.toString());
              assertThat(c.offset()).isEqualTo(damaged);
              assertThat(c.getMessage()).contains("header checksum");
            });
  }

  @Test
  void flippedByteInAnImmutableFileWithoutHintRefusesToOpen() throws IOException {
    writeKeys(SMALL_FILES, 100);
    List<Path> files = TestFiles.dataFiles(table());
    assertThat(files.size()).isGreaterThan(3);
    Path middle = files.get(1);
    Files.delete(hintOf(middle));
    long damaged = 7L * RECORD;
    flipByte(middle, damaged + 30);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, SMALL_FILES))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            c -> {
              assertThat(c.file()).isEqualTo(middle.toString());
              assertThat(c.offset()).isEqualTo(damaged);
              assertThat(c.getMessage()).contains("immutable");
            });
  }

  @Test
  void evenTheLastRecordOfAnImmutableFileMustBeValid() throws IOException {
    writeKeys(SMALL_FILES, 100);
    Path first = TestFiles.dataFiles(table()).get(0);
    Files.delete(hintOf(first));
    long size = Files.size(first);
    truncate(first, size - 3);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, SMALL_FILES))
        .isInstanceOfSatisfying(
            CorruptionException.class, c -> assertThat(c.file()).isEqualTo(first.toString()));
  }

  @Test
  void flippedByteBehindAValidHintIsCaughtOnReadAndByMerge() throws IOException {
    writeKeys(SMALL_FILES, 100);
    Path first = TestFiles.dataFiles(table()).get(0);
    assertThat(hintOf(first)).exists();
    long damaged = 2L * RECORD;
    flipByte(first, damaged + RECORD - 1);
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      Table t = e.table("t");
      assertThatThrownBy(() -> t.get(key(2)))
          .isInstanceOfSatisfying(
              CorruptionException.class,
              c -> {
                assertThat(c.file()).isEqualTo(first.toString());
                assertThat(c.offset()).isEqualTo(damaged);
              });
      assertThat(t.get(key(3))).isEqualTo(value(3));
      assertThatThrownBy(e::merge)
          .isInstanceOfSatisfying(
              CorruptionException.class,
              c -> {
                assertThat(c.file()).isEqualTo(first.toString());
                assertThat(c.offset()).isEqualTo(damaged);
              });
      // The failed merge changed nothing.
      assertThat(t.get(key(50))).isEqualTo(value(50));
      assertThat(TestFiles.dataFiles(table())).contains(first);
    }
  }

  @Test
  void missingHintFallsBackToScanningAndIsRewritten() throws IOException {
    writeKeys(SMALL_FILES, 100);
    List<Path> files = TestFiles.dataFiles(table());
    for (Path f : files) {
      Files.deleteIfExists(hintOf(f));
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      for (int i = 0; i < 100; i++) {
        assertThat(e.table("t").get(key(i))).isEqualTo(value(i));
      }
    }
    for (Path f : files) {
      assertThat(hintOf(f)).as("hint rewritten for %s", f).exists();
    }
  }

  @Test
  void corruptHintFallsBackToScanning() throws IOException {
    writeKeys(SMALL_FILES, 100);
    Path first = TestFiles.dataFiles(table()).get(0);
    Path hint = hintOf(first);
    flipByte(hint, 10);
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      for (int i = 0; i < 100; i++) {
        assertThat(e.table("t").get(key(i))).isEqualTo(value(i));
      }
    }
    assertThat(HintCodec.decode(Files.readAllBytes(hint)))
        .as("the bad hint was replaced")
        .isInstanceOf(HintCodec.Valid.class);
  }

  @Test
  void hintOfTheWrongSizeIsNotTrusted() throws IOException {
    writeKeys(SMALL_FILES, 100);
    Path first = TestFiles.dataFiles(table()).get(0);
    Path second = TestFiles.dataFiles(table()).get(1);
    // A valid hint, but for another file: must not be used.
    Files.copy(hintOf(second), hintOf(first), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      for (int i = 0; i < 100; i++) {
        assertThat(e.table("t").get(key(i))).isEqualTo(value(i));
      }
    }
  }

  @Test
  void aDeletedDataFileIsDetectedThroughTheManifest() throws IOException {
    writeKeys(SMALL_FILES, 100);
    Path middle = TestFiles.dataFiles(table()).get(2);
    Files.delete(middle);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, SMALL_FILES))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            c -> {
              assertThat(c.file()).isEqualTo(middle.toString());
              assertThat(c.getMessage()).contains("missing");
            });
  }

  @Test
  void aDamagedManifestRefusesToOpen() throws IOException {
    writeKeys(SMALL_FILES, 30);
    Path manifest = table().resolve(TableFiles.MANIFEST);
    flipByte(manifest, 6);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, SMALL_FILES))
        .isInstanceOfSatisfying(
            CorruptionException.class, c -> assertThat(c.file()).isEqualTo(manifest.toString()));
  }

  @Test
  void aMissingManifestWithDataRefusesToOpen() throws IOException {
    writeKeys(SMALL_FILES, 30);
    Files.delete(table().resolve(TableFiles.MANIFEST));
    assertThatThrownBy(() -> BitcaskEngine.open(dir, SMALL_FILES))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("MANIFEST is missing");
  }

  @Test
  void unlistedLeftoversAreDeleted() throws IOException {
    writeKeys(SMALL_FILES, 30);
    Path stray = TableFiles.data(table(), 9999);
    Files.write(stray, new byte[] {1, 2, 3});
    Path tmp = table().resolve("0000000003.data.tmp");
    Files.write(tmp, new byte[] {4});
    try (BitcaskEngine e = BitcaskEngine.open(dir, SMALL_FILES)) {
      assertThat(countKeys(e)).isEqualTo(30);
    }
    assertThat(stray).doesNotExist();
    assertThat(tmp).doesNotExist();
  }

  @Test
  void readsVerifyChecksums() throws IOException {
    try (BitcaskEngine e = BitcaskEngine.open(dir, ONE_FILE)) {
      Table t = e.table("t");
      for (int i = 0; i < 5; i++) {
        t.put(key(i), value(i), Durability.SYNC);
      }
      Path active = TableFiles.data(table(), e.openTable("t").fileIds().get(0));
      flipByte(active, 2L * RECORD + RECORD - 2);
      assertThatThrownBy(() -> t.get(key(2)))
          .isInstanceOfSatisfying(
              CorruptionException.class,
              c -> {
                assertThat(c.file()).isEqualTo(active.toString());
                assertThat(c.offset()).isEqualTo(2L * RECORD);
              });
      assertThatThrownBy(
              () -> {
                try (Scan s = t.scan(KeyRange.all())) {
                  s.forEachRemaining(kv -> {});
                }
              })
          .isInstanceOf(CorruptionException.class);
      assertThat(t.get(key(1))).isEqualTo(value(1));
    }
  }

  private static Path hintOf(Path data) {
    String n = data.getFileName().toString();
    return data.resolveSibling(n.substring(0, n.length() - 5) + ".hint");
  }
}
