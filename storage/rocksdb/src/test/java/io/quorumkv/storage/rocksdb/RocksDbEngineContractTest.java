package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.testkit.StorageEngineContractTest;
import java.nio.file.Path;
import java.util.Map;

class RocksDbEngineContractTest extends StorageEngineContractTest {
  @Override
  protected StorageEngine open(Path directory) {
    return RocksDbEngine.open(directory, Map.of("block_cache_size", "8m"));
  }

  @Override
  protected boolean persistent() {
    return true;
  }
}
