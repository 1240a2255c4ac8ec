package io.quorumkv.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LSM-specific behaviour beyond the contract: options, metrics, handles freed under use. */
class RocksDbEngineTest {

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void providerIsFoundByKindAndRejectsUnknownOptions() {
    try (StorageEngine e =
        StorageEngineProvider.open("lsm", dir, Map.of("bloom_bits_per_key", "12"))) {
      assertThat(e).isInstanceOf(RocksDbEngine.class);
      assertThat(e.kind()).isEqualTo("lsm");
    }
    assertThatThrownBy(() -> StorageEngineProvider.open("lsm", dir, Map.of("blok_cache", "1m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blok_cache");
    assertThatThrownBy(() -> RocksDbEngine.open(dir, Map.of("block_cache_size", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block_cache_size");
    assertThatThrownBy(() -> RocksDbEngine.open(dir, Map.of("compression", "gzip")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesTakeBinarySuffixes() {
    RocksDbSettings s =
        RocksDbSettings.parse(Map.of("block_cache_size", "2g", "write_buffer_size", "512K"));
    assertThat(s.blockCacheSize()).isEqualTo(2L << 30);
    assertThat(s.writeBufferSize()).isEqualTo(512L << 10);
    assertThat(RocksDbSettings.parse(Map.of()).bloomBitsPerKey()).isEqualTo(10);
  }

  @Test
  void metricsReportGroupCommitAndRocksDbStatistics() {
    try (RocksDbEngine e = RocksDbEngine.open(dir, Map.of())) {
      Table t = e.table("t");
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        fs.add(t.writeAsync(WriteBatch.builder().put(b("k" + i), b("v")).build(), Durability.SYNC));
      }
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
      t.get(b("k1"));
      Map<String, Long> m = e.metrics();
      assertThat(m.get("commit.requests")).isEqualTo(500);
      assertThat(m.get("commit.groups")).isBetween(1L, 500L);
      assertThat(m.get("commit.syncs")).isEqualTo(m.get("commit.groups"));
      assertThat(m.get("rocksdb.wal.synced")).isPositive();
      assertThat(m.get("rocksdb.memtable.hit")).isPositive();
      assertThat(m).containsKeys("rocksdb.block.cache.hit", "rocksdb.estimate-num-keys");
    }
  }

  @Test
  void emptySyncBatchSyncsTheWal() {
    try (RocksDbEngine e = RocksDbEngine.open(dir, Map.of())) {
      Table t = e.table("t");
      t.put(b("k"), b("v"), Durability.BUFFERED);
      long before = e.metrics().get("rocksdb.wal.synced");
      t.write(WriteBatch.builder().build(), Durability.SYNC);
      assertThat(e.metrics().get("rocksdb.wal.synced")).isGreaterThan(before);
    }
  }

  @Test
  void batchSpansOneRocksDbWriteEvenWithManyTables() {
    try (RocksDbEngine e = RocksDbEngine.open(dir, Map.of())) {
      Table a = e.table("a");
      Table c = e.table("c");
      CompletableFuture<Void> f1 =
          a.writeAsync(WriteBatch.builder().put(b("x"), b("1")).build(), Durability.BUFFERED);
      CompletableFuture<Void> f2 =
          c.writeAsync(WriteBatch.builder().put(b("x"), b("2")).build(), Durability.SYNC);
      CompletableFuture.allOf(f1, f2).join();
      assertThat(a.get(b("x"))).isEqualTo(b("1"));
      assertThat(c.get(b("x"))).isEqualTo(b("2"));
    }
  }

  @Test
  void droppingATableClosesItsOpenScans() {
    try (RocksDbEngine e = RocksDbEngine.open(dir, Map.of())) {
      Table t = e.table("t");
      t.put(b("a"), b("1"), Durability.SYNC);
      t.put(b("b"), b("2"), Durability.SYNC);
      Scan s = t.scan(KeyRange.all());
      assertThat(s.next().key()).isEqualTo(b("a"));
      e.dropTable("t");
      assertThatThrownBy(s::hasNext).isInstanceOf(StorageClosedException.class);
      s.close();
      assertThatThrownBy(() -> t.put(b("c"), b("3"), Durability.SYNC))
          .isInstanceOf(StorageClosedException.class);
      assertThatThrownBy(() -> t.scan(KeyRange.all())).isInstanceOf(StorageClosedException.class);
    }
  }

  @Test
  void closingTheEngineClosesOpenScans() {
    RocksDbEngine e = RocksDbEngine.open(dir, Map.of());
    Table t = e.table("t");
    t.put(b("a"), b("1"), Durability.SYNC);
    Scan s = t.scan(KeyRange.all());
    e.close();
    assertThatThrownBy(s::next).isInstanceOf(StorageClosedException.class);
    s.close();
    assertThat(e.metrics()).containsKey("commit.groups");
  }

  @Test
  void queuedWritesAreWrittenBeforeClose() {
    RocksDbEngine e = RocksDbEngine.open(dir, Map.of());
    Table t = e.table("t");
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fs.add(
          t.writeAsync(WriteBatch.builder().put(b("k" + i), b("v")).build(), Durability.BUFFERED));
    }
    e.close();
    assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    try (RocksDbEngine r = RocksDbEngine.open(dir, Map.of())) {
      assertThat(r.table("t").get(b("k199"))).isEqualTo(b("v"));
    }
  }
}
