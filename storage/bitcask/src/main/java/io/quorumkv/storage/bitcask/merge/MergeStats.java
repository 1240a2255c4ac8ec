package io.quorumkv.storage.bitcask.merge;

/**
 * What one merge (or the sum of several) did.
 *
 * @param filesIn immutable data files read
 * @param filesOut data files written
 * @param bytesIn bytes of the files read
 * @param bytesOut bytes of the files written
 * @param recordsKept live records copied
 * @param recordsDropped overwritten records and tombstones left behind
 * @param relocationsLost copied records whose key was overwritten while the merge ran (so the copy
 *     was dead on arrival)
 */
public record MergeStats(
    int filesIn,
    int filesOut,
    long bytesIn,
    long bytesOut,
    long recordsKept,
    long recordsDropped,
    long relocationsLost) {

  /** A merge that found nothing to do. */
  public static final MergeStats NONE = new MergeStats(0, 0, 0, 0, 0, 0, 0);

  /** The sum of this and {@code o}. */
  public MergeStats plus(MergeStats o) {
    return new MergeStats(
        filesIn + o.filesIn,
        filesOut + o.filesOut,
        bytesIn + o.bytesIn,
        bytesOut + o.bytesOut,
        recordsKept + o.recordsKept,
        recordsDropped + o.recordsDropped,
        relocationsLost + o.relocationsLost);
  }
}
