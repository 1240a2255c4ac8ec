package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.testkit.EngineModelCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The Bitcask engine against a {@code TreeMap} model across restarts and merges. */
class BitcaskModelProperties {

  private static final Map<String, String> TINY_FILES =
      Map.of(BitcaskOptions.MAX_FILE_BYTES, "2048", BitcaskOptions.MERGE_AUTO, "false");

  private static final Map<String, String> SMALL_FILES =
      Map.of(BitcaskOptions.MAX_FILE_BYTES, "16384", BitcaskOptions.MERGE_AUTO, "false");

  /** On the real disk: few tries, since every SYNC write and rollover costs real fsyncs. */
  @Property(tries = 5)
  void agreesWithModelAcrossReopenAndMerge(@ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("qkv-bitcask-model");
    try {
      new EngineModelCheck(
              d -> BitcaskEngine.open(d, SMALL_FILES), true, e -> ((BitcaskEngine) e).merge())
          .run(dir, seed, 250);
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  /** On the simulated disk (fsync is free), so many more tries. */
  @Property(tries = 40)
  void agreesWithModelOnTheSimulatedDisk(@ForAll long seed) {
    io.quorumkv.storage.bitcask.io.FaultyFileIo fs =
        new io.quorumkv.storage.bitcask.io.FaultyFileIo(seed);
    Path dir = Path.of("/sim/model");
    fs.mkdirsDurable(dir);
    new EngineModelCheck(
            d -> BitcaskEngine.open(d, TINY_FILES, fs, Runnable::run),
            true,
            e -> ((BitcaskEngine) e).merge())
        .run(dir, seed, 400);
  }
}
