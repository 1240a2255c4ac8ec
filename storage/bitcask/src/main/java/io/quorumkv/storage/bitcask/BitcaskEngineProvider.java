package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import java.nio.file.Path;
import java.util.Map;

/** Opens {@link BitcaskEngine}s; kind {@code "bitcask"}, options as in {@link BitcaskOptions}. */
public final class BitcaskEngineProvider implements StorageEngineProvider {

  @Override
  public String kind() {
    return BitcaskEngine.KIND;
  }

  @Override
  public StorageEngine open(Path directory, Map<String, String> options) {
    return BitcaskEngine.open(directory, options);
  }
}
