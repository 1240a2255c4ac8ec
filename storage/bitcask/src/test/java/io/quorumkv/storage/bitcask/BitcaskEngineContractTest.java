package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.testkit.StorageEngineContractTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;

class BitcaskEngineContractTest extends StorageEngineContractTest {
  @Override
  protected StorageEngine open(Path directory) {
    return BitcaskEngine.open(directory, Map.of());
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  /** The same contract with tiny data files, so rollover and background merges happen often. */
  @Nested
  class WithTinyFiles extends StorageEngineContractTest {
    @Override
    protected StorageEngine open(Path directory) {
      return BitcaskEngine.open(
          directory,
          Map.of(
              BitcaskOptions.MAX_FILE_BYTES, "4096",
              BitcaskOptions.MERGE_DEAD_RATIO, "0.3",
              BitcaskOptions.MERGE_MIN_DEAD_BYTES, "8192"));
    }

    @Override
    protected boolean persistent() {
      return true;
    }
  }
}
