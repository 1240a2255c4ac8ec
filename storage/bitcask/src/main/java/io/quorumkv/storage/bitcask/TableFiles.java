package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.format.ManifestCodec;
import io.quorumkv.storage.bitcask.io.FileHandle;
import io.quorumkv.storage.bitcask.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The names of a table's files and the atomic replace used for the manifest and hint files:
 *
 * <ul>
 *   <li>{@code 0000000042.data}: data file 42;
 *   <li>{@code 0000000042.hint}: its hint file;
 *   <li>{@code MANIFEST}: the ordered list of live data files;
 *   <li>{@code *.tmp}: a file being written; deleted on open.
 * </ul>
 */
final class TableFiles {

  static final String MANIFEST = "MANIFEST";
  static final String DATA_SUFFIX = ".data";
  static final String HINT_SUFFIX = ".hint";
  static final String TMP_SUFFIX = ".tmp";

  private TableFiles() {}

  static Path data(Path dir, int id) {
    return dir.resolve(String.format("%010d", id) + DATA_SUFFIX);
  }

  static Path hint(Path dir, int id) {
    return dir.resolve(String.format("%010d", id) + HINT_SUFFIX);
  }

  static Path tmp(Path file) {
    return file.resolveSibling(file.getFileName() + TMP_SUFFIX);
  }

  /** The id of a data or hint file name with {@code suffix}, or -1 if the name is not one. */
  static int idOf(String name, String suffix) {
    if (!name.endsWith(suffix) || name.length() != 10 + suffix.length()) {
      return -1;
    }
    try {
      return Integer.parseInt(name.substring(0, 10));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Replaces {@code target} with {@code bytes} atomically: write a temp file, force it, rename it
   * over the target and, if {@code durable}, fsync the directory so the rename survives power loss.
   */
  static void replaceAtomically(FileIo io, Path target, byte[] bytes, boolean durable)
      throws IOException {
    Path tmp = tmp(target);
    io.delete(tmp);
    try (FileHandle h = io.create(tmp)) {
      h.append(ByteBuffer.wrap(bytes));
      h.force();
    }
    io.rename(tmp, target);
    if (durable) {
      io.fsyncDirectory(target.getParent());
    }
  }

  static void writeManifest(FileIo io, Path dir, ManifestCodec.Manifest m) throws IOException {
    replaceAtomically(io, dir.resolve(MANIFEST), ManifestCodec.encode(m), true);
  }
}
