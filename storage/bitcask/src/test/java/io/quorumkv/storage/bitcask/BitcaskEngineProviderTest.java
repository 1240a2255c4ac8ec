package io.quorumkv.storage.bitcask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BitcaskEngineProviderTest {

  @TempDir Path dir;

  @Test
  void isFoundThroughTheServiceLoader() {
    try (StorageEngine e =
        StorageEngineProvider.open("bitcask", dir, Map.of(BitcaskOptions.MAX_FILE_BYTES, "4096"))) {
      assertThat(e).isInstanceOf(BitcaskEngine.class);
      assertThat(e.kind()).isEqualTo("bitcask");
      e.table("t").put(new byte[] {1}, new byte[] {2}, Durability.SYNC);
      assertThat(e.metrics())
          .containsKeys("commit.groups", "commit.requests", "commit.syncs")
          .containsEntry("commit.syncs", 1L);
    }
  }

  @Test
  void unknownOrMalformedOptionsAreRejected() {
    assertThatThrownBy(() -> BitcaskEngine.open(dir, Map.of("max.file.size", "10")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max.file.size");
    assertThatThrownBy(() -> BitcaskEngine.open(dir, Map.of(BitcaskOptions.MAX_FILE_BYTES, "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, Map.of(BitcaskOptions.MAX_FILE_BYTES, "10")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BitcaskEngine.open(dir, Map.of(BitcaskOptions.MERGE_AUTO, "yes")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> BitcaskEngine.open(dir, Map.of(BitcaskOptions.MERGE_DEAD_RATIO, "1.5")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoEnginesCannotShareADirectory() {
    try (BitcaskEngine e = BitcaskEngine.open(dir, Map.of())) {
      e.table("t");
      assertThatThrownBy(() -> BitcaskEngine.open(dir, Map.of()))
          .isInstanceOf(io.quorumkv.storage.StorageException.class)
          .hasStackTraceContaining("locked");
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, Map.of())) {
      assertThat(e.tableNames()).containsExactly("t");
    }
  }

  @Test
  void everyOpenStartsANewActiveFileAndOldOnesGetHints() {
    try (BitcaskEngine e = BitcaskEngine.open(dir, Map.of())) {
      e.table("t").put(new byte[] {1}, new byte[] {2}, Durability.SYNC);
      assertThat(e.openTable("t").fileIds()).containsExactly(1);
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, Map.of())) {
      assertThat(e.openTable("t").fileIds()).containsExactly(1, 2);
      assertThat(TableFiles.hint(dir.resolve("t"), 1)).exists();
    }
    try (BitcaskEngine e = BitcaskEngine.open(dir, Map.of())) {
      // The empty active file of the previous run is dropped, not kept as an immutable file.
      assertThat(e.openTable("t").fileIds()).containsExactly(1, 3);
      assertThat(TableFiles.data(dir.resolve("t"), 2)).doesNotExist();
      assertThat(e.table("t").get(new byte[] {1})).isEqualTo(new byte[] {2});
    }
  }
}
