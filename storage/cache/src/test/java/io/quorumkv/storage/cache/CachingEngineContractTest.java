package io.quorumkv.storage.cache;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.memory.MemoryEngine;
import io.quorumkv.storage.testkit.StorageEngineContractTest;
import java.nio.file.Path;

/** The cache must keep every promise of the engine it wraps. */
class CachingEngineContractTest extends StorageEngineContractTest {
  @Override
  protected StorageEngine open(Path directory) {
    return new CachingEngine(new MemoryEngine(), 1 << 20);
  }

  @Override
  protected boolean persistent() {
    return false;
  }
}
