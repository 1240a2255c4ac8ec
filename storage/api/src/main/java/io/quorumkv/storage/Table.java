package io.quorumkv.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One namespace of ordered byte-array keys mapped to byte-array values.
 *
 * <p>Keys are ordered by unsigned lexicographic comparison ({@link
 * java.util.Arrays#compareUnsigned(byte[], byte[])}). Arrays passed in are owned by the table from
 * then on (callers must not mutate them); arrays returned are owned by the caller.
 *
 * <p>Thread-safe. A write is visible to {@link #get} and {@link #scan} no later than when its
 * future completes, and all mutations of one {@link WriteBatch} become visible together.
 */
public interface Table {

  /** The table's name. */
  String name();

  /**
   * Returns the value stored under {@code key}, or {@code null} if there is none. Reflects every
   * write whose future has completed.
   *
   * @throws CorruptionException if the stored record fails its checksum
   */
  byte[] get(byte[] key);

  /**
   * Applies all mutations of {@code batch} atomically: after any crash either all or none of them
   * are present. The returned future completes when the batch is visible and as durable as {@code
   * durability} asks; it completes exceptionally with a {@link StorageException} if the batch could
   * not be written, in which case the engine may have become {@link StorageFailedException failed}.
   *
   * <p>Futures of one table complete in the order their writes were submitted. Callbacks attached
   * without an executor run on the engine's commit thread: keep them short.
   */
  CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability);

  /**
   * Blocking form of {@link #writeAsync}.
   *
   * @throws StorageException if the write failed
   */
  default void write(WriteBatch batch, Durability durability) {
    try {
      writeAsync(batch, durability).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof StorageException se) {
        throw se;
      }
      throw new StorageException("write failed", e.getCause());
    }
  }

  /** Writes one value; blocking. */
  default void put(byte[] key, byte[] value, Durability durability) {
    write(WriteBatch.builder().put(key, value).build(), durability);
  }

  /** Deletes one key; blocking. Deleting an absent key is not an error. */
  default void delete(byte[] key, Durability durability) {
    write(WriteBatch.builder().delete(key).build(), durability);
  }

  /**
   * Returns the entries within {@code range} in ascending key order, as of one point in time: a
   * batch is either wholly visible in the scan or not at all, and writes that complete after this
   * call returns are not visible. The scan must be closed.
   */
  Scan scan(KeyRange range);
}
