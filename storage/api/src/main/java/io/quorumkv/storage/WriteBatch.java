package io.quorumkv.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of puts and deletes applied atomically to one table. When a batch names the same
 * key twice, the later mutation wins. Immutable once built.
 */
public final class WriteBatch {

  /**
   * One mutation: a put when {@code value} is non-null, a delete when it is {@code null}.
   *
   * @param key the key
   * @param value the new value, or {@code null} to delete the key
   */
  public record Mutation(byte[] key, byte[] value) {
    /** Rejects a null key. */
    public Mutation {
      Objects.requireNonNull(key, "key");
    }

    /** Whether this mutation deletes its key. */
    public boolean isDelete() {
      return value == null;
    }
  }

  private final List<Mutation> mutations;
  private final long payloadBytes;

  private WriteBatch(List<Mutation> mutations, long payloadBytes) {
    this.mutations = List.copyOf(mutations);
    this.payloadBytes = payloadBytes;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The mutations in the order they were added. */
  public List<Mutation> mutations() {
    return mutations;
  }

  /** The number of mutations. */
  public int size() {
    return mutations.size();
  }

  /** The sum of key and value lengths, a cheap estimate of the batch's size on disk. */
  public long payloadBytes() {
    return payloadBytes;
  }

  /** Builds a {@link WriteBatch}. Not thread-safe. */
  public static final class Builder {
    private final List<Mutation> mutations = new ArrayList<>();
    private long payloadBytes;

    private Builder() {}

    /** Adds a put of {@code value} under {@code key}. */
    public Builder put(byte[] key, byte[] value) {
      Objects.requireNonNull(value, "value");
      mutations.add(new Mutation(key, value));
      payloadBytes += key.length + value.length;
      return this;
    }

    /** Adds a delete of {@code key}. */
    public Builder delete(byte[] key) {
      mutations.add(new Mutation(key, null));
      payloadBytes += key.length;
      return this;
    }

    /** Whether no mutation has been added. */
    public boolean isEmpty() {
      return mutations.isEmpty();
    }

    /** The batch. */
    public WriteBatch build() {
      return new WriteBatch(mutations, payloadBytes);
    }
  }
}
