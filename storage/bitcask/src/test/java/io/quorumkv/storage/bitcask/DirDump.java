package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.format.ManifestCodec;
import io.quorumkv.storage.bitcask.format.RecordCodec;
import io.quorumkv.storage.bitcask.io.FileHandle;
import io.quorumkv.storage.bitcask.io.FileIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a table directory (manifest and every record of every data file) for failure messages.
 */
final class DirDump {

  private DirDump() {}

  static String dump(FileIo io, Path dir) {
    StringBuilder sb = new StringBuilder();
    try {
      List<String> names = new ArrayList<>(io.list(dir));
      names.sort(null);
      for (String n : names) {
        Path p = dir.resolve(n);
        sb.append("\n").append(n);
        if (n.equals(TableFiles.MANIFEST)) {
          try {
            sb.append(" ").append(ManifestCodec.decode(io.readAll(p)));
          } catch (IllegalArgumentException e) {
            sb.append(" (bad: ").append(e.getMessage()).append(')');
          }
        } else if (n.endsWith(TableFiles.DATA_SUFFIX)) {
          try (FileHandle h = io.open(p)) {
            long size = h.size();
            sb.append(" (").append(size).append(" bytes):");
            DataFileScanner.End end =
                DataFileScanner.scan(
                    h,
                    size,
                    (off, hd, buf, start) -> {
                      byte[] k = new byte[hd.keyLength()];
                      buf.get(start + RecordCodec.HEADER_SIZE, k);
                      sb.append(' ')
                          .append(off)
                          .append(':')
                          .append(new String(k, StandardCharsets.UTF_8))
                          .append('@')
                          .append(hd.seq())
                          .append(hd.tombstone() ? "-del" : "")
                          .append(hd.batchEnd() ? "." : "");
                    });
            sb.append(" end=").append(end);
          }
        }
      }
    } catch (IOException e) {
      sb.append(" (dump failed: ").append(e).append(')');
    }
    return sb.toString();
  }
}
