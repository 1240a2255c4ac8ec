package io.quorumkv.storage.memory;

import io.quorumkv.storage.testkit.EngineModelCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class MemoryEngineModelProperties {
  @Property(tries = 50)
  void agreesWithModel(@ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("qkv-memory-model");
    new EngineModelCheck(d -> new MemoryEngine(), false, e -> {}).run(dir, seed, 300);
  }
}
