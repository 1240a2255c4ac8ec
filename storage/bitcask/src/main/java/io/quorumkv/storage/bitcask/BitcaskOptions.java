package io.quorumkv.storage.bitcask;

import io.quorumkv.storage.bitcask.merge.MergePolicy;
import java.util.Map;
import java.util.Set;

/**
 * The engine's settings, parsed from the provider's options map. Unknown keys are rejected.
 *
 * <ul>
 *   <li>{@code max.file.bytes} (default 64 MiB, 1 KiB to 1 GiB): the active data file rolls over
 *       before a batch that would take it past this size. A single larger batch gets a file of its
 *       own.
 *   <li>{@code merge.auto} (default {@code true}): merge in the background when the policy says so.
 *   <li>{@code merge.dead.ratio} (default 0.5): dead fraction of the immutable files that triggers
 *       a background merge.
 *   <li>{@code merge.min.dead.bytes} (default 64 MiB): the least dead bytes worth a merge.
 *   <li>{@code commit.max.group} (default 1024): the most write batches one group commit holds.
 * </ul>
 *
 * @param maxFileBytes rollover size
 * @param mergePolicy when background merges run
 * @param maxGroup the most batches per commit group
 */
public record BitcaskOptions(long maxFileBytes, MergePolicy mergePolicy, int maxGroup) {

  /** Option key: rollover size in bytes. */
  public static final String MAX_FILE_BYTES = "max.file.bytes";

  /** Option key: whether background merges run. */
  public static final String MERGE_AUTO = "merge.auto";

  /** Option key: dead ratio that triggers a background merge. */
  public static final String MERGE_DEAD_RATIO = "merge.dead.ratio";

  /** Option key: least dead bytes worth a background merge. */
  public static final String MERGE_MIN_DEAD_BYTES = "merge.min.dead.bytes";

  /** Option key: most batches per commit group. */
  public static final String COMMIT_MAX_GROUP = "commit.max.group";

  private static final Set<String> KNOWN =
      Set.of(MAX_FILE_BYTES, MERGE_AUTO, MERGE_DEAD_RATIO, MERGE_MIN_DEAD_BYTES, COMMIT_MAX_GROUP);

  /** Checks the bounds. */
  public BitcaskOptions {
    if (maxFileBytes < 1024 || maxFileBytes > (1L << 30)) {
      throw new IllegalArgumentException(
          MAX_FILE_BYTES + " must be between 1 KiB and 1 GiB, got " + maxFileBytes);
    }
    if (maxGroup < 1) {
      throw new IllegalArgumentException(COMMIT_MAX_GROUP + " must be positive");
    }
  }

  /**
   * Parses an options map.
   *
   * @throws IllegalArgumentException on an unknown key or a malformed value
   */
  public static BitcaskOptions parse(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new IllegalArgumentException(
            "unknown bitcask option '" + k + "'; known options are " + KNOWN);
      }
    }
    long maxFile = longOption(options, MAX_FILE_BYTES, 64L << 20);
    boolean auto = boolOption(options, MERGE_AUTO, true);
    double ratio = doubleOption(options, MERGE_DEAD_RATIO, 0.5);
    long minDead = longOption(options, MERGE_MIN_DEAD_BYTES, 64L << 20);
    long maxGroup = longOption(options, COMMIT_MAX_GROUP, 1024);
    if (maxGroup > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(COMMIT_MAX_GROUP + " is too large");
    }
    return new BitcaskOptions(maxFile, new MergePolicy(auto, ratio, minDead), (int) maxGroup);
  }

  private static long longOption(Map<String, String> o, String key, long dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
    }
  }

  private static double doubleOption(Map<String, String> o, String key, double dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'", e);
    }
  }

  private static boolean boolOption(Map<String, String> o, String key, boolean dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    };
  }
}
