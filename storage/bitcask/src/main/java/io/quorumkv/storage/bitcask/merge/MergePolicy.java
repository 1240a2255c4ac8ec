package io.quorumkv.storage.bitcask.merge;

/**
 * When a background merge is worth it: the immutable files hold at least {@code minDeadBytes} of
 * dead records (overwritten values and tombstones) and dead bytes are at least {@code deadRatio} of
 * their total size. Pure.
 *
 * @param enabled whether background merges run at all
 * @param deadRatio the dead fraction that triggers a merge, in (0, 1]
 * @param minDeadBytes the least dead bytes worth a merge
 */
public record MergePolicy(boolean enabled, double deadRatio, long minDeadBytes) {

  /** Checks the bounds. */
  public MergePolicy {
    if (!(deadRatio > 0 && deadRatio <= 1)) {
      throw new IllegalArgumentException("merge.dead.ratio must be in (0, 1], got " + deadRatio);
    }
    if (minDeadBytes < 0) {
      throw new IllegalArgumentException("merge.min.dead.bytes must be >= 0");
    }
  }

  /** Whether immutable files with these totals should be merged now. */
  public boolean shouldMerge(long deadBytes, long totalBytes) {
    return enabled
        && totalBytes > 0
        && deadBytes >= minDeadBytes
        && deadBytes > 0
        && (double) deadBytes / totalBytes >= deadRatio;
  }
}
