package io.quorumkv.storage.memory;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.testkit.StorageEngineContractTest;
import java.nio.file.Path;

class MemoryEngineContractTest extends StorageEngineContractTest {
  @Override
  protected StorageEngine open(Path directory) {
    return new MemoryEngine();
  }

  @Override
  protected boolean persistent() {
    return false;
  }
}
