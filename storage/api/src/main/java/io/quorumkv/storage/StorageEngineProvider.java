package io.quorumkv.storage;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens engines of one kind; found through {@link ServiceLoader} so the node process, benchmarks
 * and crash tests can choose an engine by name without depending on every engine module.
 */
public interface StorageEngineProvider {

  /** The kind this provider opens, e.g. {@code "bitcask"}. */
  String kind();

  /**
   * Opens (creating if needed) an engine in {@code directory}, running crash recovery.
   *
   * @param directory where the engine keeps its files; ignored by in-memory engines
   * @param options engine-specific settings; unknown keys are rejected
   * @throws CorruptionException if recovery finds damage it must not repair silently
   * @throws IllegalArgumentException on an unknown or malformed option
   */
  StorageEngine open(Path directory, Map<String, String> options);

  /**
   * Opens an engine of the given kind through the providers on the class path.
   *
   * @throws IllegalArgumentException if no provider offers {@code kind}
   */
  static StorageEngine open(String kind, Path directory, Map<String, String> options) {
    for (StorageEngineProvider p : ServiceLoader.load(StorageEngineProvider.class)) {
      if (p.kind().equals(kind)) {
        return p.open(directory, options);
      }
    }
    throw new IllegalArgumentException(
        "no storage engine of kind '" + kind + "' on the class path");
  }
}
