package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens {@link RocksDbEngine}s; kind {@code "lsm"}. The options, their defaults and the reasons for
 * them are listed in the module's {@code README.md}; unknown keys are rejected.
 */
public final class RocksDbEngineProvider implements StorageEngineProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RocksDbEngineProvider() {}

  @Override
  public String kind() {
    return RocksDbEngine.KIND;
  }

  @Override
  public StorageEngine open(Path directory, Map<String, String> options) {
    return RocksDbEngine.open(directory, options);
  }
}
