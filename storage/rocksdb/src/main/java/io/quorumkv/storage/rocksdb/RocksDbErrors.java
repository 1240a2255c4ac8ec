package io.quorumkv.storage.rocksdb;

import io.quorumkv.storage.CorruptionException;
import io.quorumkv.storage.StorageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Turns a {@link RocksDBException} into our unchecked exception types, keeping its status. */
final class RocksDbErrors {

  /** RocksDB names the damaged file, and often the offset, in a corruption message. */
  private static final Pattern FILE =
      Pattern.compile("(/\\S+?\\.(?:sst|log|blob)|MANIFEST-\\d+|CURRENT)");

  private static final Pattern OFFSET = Pattern.compile("offset (\\d+)");

  private RocksDbErrors() {}

  /**
   * A {@link CorruptionException} for a {@code Corruption} status (file and offset taken from the
   * message when RocksDB gives them, else {@code "unknown"} and -1), a {@link StorageException}
   * naming the status code for anything else.
   *
   * @param what the operation that failed, e.g. {@code "get from table t"}
   */
  static StorageException translate(String what, RocksDBException e) {
    Status status = e.getStatus();
    String code = status == null ? "Unknown" : status.getCodeString();
    String detail = e.getMessage();
    if (status != null && status.getCode() == Status.Code.Corruption) {
      Matcher f = FILE.matcher(detail == null ? "" : detail);
      Matcher o = OFFSET.matcher(detail == null ? "" : detail);
      CorruptionException c =
          new CorruptionException(
              f.find() ? f.group(1) : "unknown",
              o.find() ? Long.parseLong(o.group(1)) : -1,
              "rocksdb " + what + ": " + detail);
      c.initCause(e);
      return c;
    }
    return new StorageException("rocksdb " + what + " failed (" + code + "): " + detail, e);
  }
}
