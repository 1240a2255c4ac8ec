package io.quorumkv.storage.memory;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.nio.file.Path;
import java.util.Map;

/** Opens {@link MemoryEngine}s; kind {@code "memory"}, no options. */
public final class MemoryEngineProvider implements StorageEngineProvider {

  @Override
  public String kind() {
    return MemoryEngine.KIND;
  }

  @Override
  public StorageEngine open(Path directory, Map<String, String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException("the memory engine takes no options, got " + options);
    }
    return new MemoryEngine();
  }
}
