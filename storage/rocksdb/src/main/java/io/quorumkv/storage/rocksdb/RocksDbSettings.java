package io.quorumkv.storage.rocksdb;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.CompressionType;

/**
 * The tunables of a {@link RocksDbEngine}, parsed from the provider's string options. Defaults suit
 * a small (2-core) node; the module README says why each one is set as it is.
 *
 * <p>Sizes accept a plain number of bytes or a binary suffix: {@code 64m}, {@code 512k}, {@code
 * 1g}. Unknown keys are rejected so a typo cannot silently fall back to a default.
 *
 * @param blockCacheSize bytes of the LRU block cache shared by every column family
 * @param bloomBitsPerKey bloom filter bits per key; 0 disables the filter
 * @param blockSize uncompressed size of a data block
 * @param writeBufferSize bytes of one memtable
 * @param maxWriteBufferNumber memtables per column family, including the one being written
 * @param maxBackgroundJobs flush and compaction threads
 * @param bytesPerSync SST bytes written between background {@code sync_file_range} calls
 * @param walBytesPerSync WAL bytes written between background {@code sync_file_range} calls
 * @param maxTotalWalSize WAL bytes after which the oldest column families are flushed; 0 = auto
 * @param compression compression of levels above the last
 * @param bottommostCompression compression of the last level, where most data lives
 * @param targetFileSizeBase SST file size in level 1
 * @param maxBytesForLevelBase total bytes of level 1
 * @param level0CompactionTrigger level-0 files that start a compaction into level 1
 * @param maxOpenFiles table readers kept open; -1 keeps all (needs a high file limit)
 * @param statistics whether RocksDB keeps tickers (a few percent of CPU)
 * @param maxGroupSize the most write requests one group commit merges
 */
record RocksDbSettings(
    long blockCacheSize,
    int bloomBitsPerKey,
    long blockSize,
    long writeBufferSize,
    int maxWriteBufferNumber,
    int maxBackgroundJobs,
    long bytesPerSync,
    long walBytesPerSync,
    long maxTotalWalSize,
    CompressionType compression,
    CompressionType bottommostCompression,
    long targetFileSizeBase,
    long maxBytesForLevelBase,
    int level0CompactionTrigger,
    int maxOpenFiles,
    boolean statistics,
    int maxGroupSize) {

  /** Every key the options map may hold, with its default. */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("block_cache_size", "64m");
    d.put("bloom_bits_per_key", "10");
    d.put("block_size", "4k");
    d.put("write_buffer_size", "32m");
    d.put("max_write_buffer_number", "3");
    d.put("max_background_jobs", "2");
    d.put("bytes_per_sync", "1m");
    d.put("wal_bytes_per_sync", "1m");
    d.put("max_total_wal_size", "256m");
    d.put("compression", "lz4");
    d.put("bottommost_compression", "zstd");
    d.put("target_file_size_base", "64m");
    d.put("max_bytes_for_level_base", "256m");
    d.put("level0_file_num_compaction_trigger", "4");
    d.put("max_open_files", "-1");
    d.put("statistics", "true");
    d.put("max_group_size", "1024");
    return Map.copyOf(d);
  }

  /**
   * Parses {@code options} over the defaults.
   *
   * @throws IllegalArgumentException on an unknown key or a malformed value
   */
  static RocksDbSettings parse(Map<String, String> options) {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(DEFAULTS.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown lsm engine option(s) "
              + unknown
              + "; known: "
              + new TreeSet<>(DEFAULTS.keySet()));
    }
    Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
    o.putAll(options);
    return new RocksDbSettings(
        size(o, "block_cache_size", 1 << 20),
        (int) number(o, "bloom_bits_per_key", 0, 64),
        size(o, "block_size", 256),
        size(o, "write_buffer_size", 64 << 10),
        (int) number(o, "max_write_buffer_number", 1, 64),
        (int) number(o, "max_background_jobs", 1, 256),
        size(o, "bytes_per_sync", 0),
        size(o, "wal_bytes_per_sync", 0),
        size(o, "max_total_wal_size", 0),
        compression(o, "compression"),
        compression(o, "bottommost_compression"),
        size(o, "target_file_size_base", 64 << 10),
        size(o, "max_bytes_for_level_base", 64 << 10),
        (int) number(o, "level0_file_num_compaction_trigger", 1, 1 << 10),
        (int) number(o, "max_open_files", -1, Integer.MAX_VALUE),
        bool(o, "statistics"),
        (int) number(o, "max_group_size", 1, 1 << 20));
  }

  private static long size(Map<String, String> o, String key, long min) {
    String raw = o.get(key).trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (!raw.isEmpty()) {
      switch (raw.charAt(raw.length() - 1)) {
        case 'k' -> unit = 1L << 10;
        case 'm' -> unit = 1L << 20;
        case 'g' -> unit = 1L << 30;
        default -> unit = 1;
      }
    }
    String digits = unit == 1 ? raw : raw.substring(0, raw.length() - 1);
    try {
      long v = Math.multiplyExact(Long.parseLong(digits), unit);
      if (v < min) {
        throw new IllegalArgumentException(
            "lsm engine option " + key + "=" + o.get(key) + " is below the minimum " + min);
      }
      return v;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "lsm engine option " + key + "=" + o.get(key) + " is not a size like 64m", e);
    }
  }

  private static long number(Map<String, String> o, String key, long min, long max) {
    try {
      long v = Long.parseLong(o.get(key).trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            "lsm engine option " + key + "=" + v + " is outside [" + min + ", " + max + "]");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "lsm engine option " + key + "=" + o.get(key) + " is not a number", e);
    }
  }

  private static boolean bool(Map<String, String> o, String key) {
    String v = o.get(key).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "lsm engine option " + key + "=" + o.get(key) + " is not true or false");
    };
  }

  private static CompressionType compression(Map<String, String> o, String key) {
    String v = o.get(key).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "none" -> CompressionType.NO_COMPRESSION;
      case "snappy" -> CompressionType.SNAPPY_COMPRESSION;
      case "lz4" -> CompressionType.LZ4_COMPRESSION;
      case "zstd" -> CompressionType.ZSTD_COMPRESSION;
      default ->
          throw new IllegalArgumentException(
              "lsm engine option "
                  + key
                  + "="
                  + o.get(key)
                  + " is not one of none, snappy, lz4, zstd");
    };
  }
}
