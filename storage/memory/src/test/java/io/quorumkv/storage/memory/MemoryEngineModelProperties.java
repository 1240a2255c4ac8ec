package io.quorumkv.storage.memory;

import io.quorumkv.storage.testkit.EngineModelCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class MemoryEngineModelProperties {
  @Property(tries = 50)
  void agreesWithModel(@ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("qkv-memory-model");
    try {
      new EngineModelCheck(d -> new MemoryEngine(), false, e -> {}).run(dir, seed, 300);
    } finally {
      // every try made one directory in /tmp, and nothing removed them
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(dir)) {
        paths = walk.sorted(Comparator.reverseOrder()).toList();
      }
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    }
  }
}
