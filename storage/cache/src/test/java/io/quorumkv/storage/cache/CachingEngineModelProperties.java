package io.quorumkv.storage.cache;

import io.quorumkv.storage.memory.MemoryEngine;
import io.quorumkv.storage.testkit.EngineModelCheck;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The cached memory engine against a sorted-map model; the cache is small (4 KiB) so entries are
 * evicted and reloaded all the time, and the maintenance step empties it.
 */
class CachingEngineModelProperties {
  @Property(tries = 50)
  void agreesWithModel(@ForAll long seed) {
    new EngineModelCheck(
            d -> new CachingEngine(new MemoryEngine(), 4 << 10),
            false,
            e -> ((CachingEngine) e).cleanUp())
        .run(Path.of("unused"), seed, 300);
  }
}
