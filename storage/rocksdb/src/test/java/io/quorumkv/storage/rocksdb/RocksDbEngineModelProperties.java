package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.testkit.EngineModelCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The LSM engine against a sorted-map model, across reopens, with flushes and full compactions
 * interleaved so reads are served from memtables, level-0 files and compacted levels alike.
 */
class RocksDbEngineModelProperties {

  private static final Map<String, String> SMALL =
      Map.of("block_cache_size", "4m", "write_buffer_size", "64k");

  @Property(tries = 25)
  void agreesWithModel(@ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("qkv-lsm-model");
    try {
      AtomicInteger steps = new AtomicInteger();
      new EngineModelCheck(
              d -> RocksDbEngine.open(d, SMALL), true, e -> maintain(e, steps.getAndIncrement()))
          .run(dir, seed, 300);
    } finally {
      deleteTree(dir);
    }
  }

  /** Alternates between a memtable flush and a full compaction. */
  private static void maintain(StorageEngine engine, int step) {
    RocksDbEngine e = (RocksDbEngine) engine;
    if (step % 2 == 0) {
      e.flush();
    } else {
      e.compact();
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(RocksDbEngineModelProperties::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
