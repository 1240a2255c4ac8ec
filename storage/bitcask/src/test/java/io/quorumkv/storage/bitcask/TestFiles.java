package io.quorumkv.storage.bitcask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers for tests on the real file system. */
final class TestFiles {

  private TestFiles() {}

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The data files of a table directory, oldest id first. */
  static java.util.List<Path> dataFiles(Path tableDir) throws IOException {
    try (Stream<Path> s = Files.list(tableDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".data")).sorted().toList();
    }
  }
}
