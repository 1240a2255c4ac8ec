package io.quorumkv.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.Durability;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files must surface as a {@link StorageException} naming the problem — never a JVM crash
 * and never a silently empty database.
 */
class RocksDbCorruptionTest {

  @TempDir Path dir;

  private static final Map<String, String> OPTIONS = Map.of("block_cache_size", "4m");

  /** Writes keys, flushes them into an SST file, closes; returns the SST files. */
  private List<Path> populate() throws IOException {
    try (RocksDbEngine e = RocksDbEngine.open(dir, OPTIONS)) {
      Table t = e.table("t");
      for (int i = 0; i < 2_000; i++) {
        t.put(
            ("key" + i).getBytes(UTF_8), ("value-" + i).repeat(5).getBytes(UTF_8), Durability.SYNC);
      }
      e.flush();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> ssts = files.filter(p -> p.toString().endsWith(".sst")).toList();
      assertThat(ssts).isNotEmpty();
      return ssts;
    }
  }

  @Test
  void garbageCurrentFileIsReported() throws IOException {
    populate();
    Files.writeString(dir.resolve("CURRENT"), "this is not a manifest name\n");
    assertThatThrownBy(() -> RocksDbEngine.open(dir, OPTIONS))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("CURRENT");
  }

  @Test
  void missingCurrentFileIsNotAnEmptyDatabase() throws IOException {
    populate();
    Files.delete(dir.resolve("CURRENT"));
    assertThatThrownBy(() -> RocksDbEngine.open(dir, OPTIONS))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("CURRENT")
        .hasMessageContaining("missing");
  }

  @Test
  void sstOverwrittenWithGarbageIsReported() throws IOException {
    List<Path> ssts = populate();
    Path sst = ssts.get(0);
    byte[] garbage = new byte[(int) Files.size(sst)];
    new Random(42).nextBytes(garbage);
    Files.write(sst, garbage);
    assertThatThrownBy(() -> openAndReadAll())
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining(sst.getFileName().toString());
  }

  @Test
  void truncatedSstIsReported() throws IOException {
    List<Path> ssts = populate();
    Path sst = ssts.get(0);
    byte[] bytes = Files.readAllBytes(sst);
    Files.write(sst, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> openAndReadAll())
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("size mismatch");
  }

  @Test
  void flippedByteInADataBlockFailsTheRead() throws IOException {
    List<Path> ssts = populate();
    Path sst = ssts.get(0);
    byte[] bytes = Files.readAllBytes(sst);
    bytes[100] ^= 0x5A; // inside the first data block, far from the footer and index
    Files.write(sst, bytes);
    assertThatThrownBy(() -> openAndReadAll())
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("checksum");
  }

  /** Opens the engine and reads every key, so damage in a data block is also found. */
  private void openAndReadAll() {
    try (RocksDbEngine e = RocksDbEngine.open(dir, OPTIONS)) {
      Table t = e.table("t");
      for (int i = 0; i < 2_000; i++) {
        t.get(("key" + i).getBytes(UTF_8));
      }
      try (var s = t.scan(io.quorumkv.storage.KeyRange.all())) {
        s.forEachRemaining(kv -> {});
      }
    }
  }
}
