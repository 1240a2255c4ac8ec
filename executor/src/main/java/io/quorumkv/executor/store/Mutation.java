package io.quorumkv.executor.store;

/**
 * What a read-modify-write decides after seeing a key's current value: write a new value, delete
 * the key, or leave it alone (the condition did not hold).
 */
public sealed interface Mutation {

  /** Set the key to {@code value}. */
  record Put(byte[] value) implements Mutation {}

  /** Delete the key. */
  record Delete() implements Mutation {}

  /** Change nothing; the statement reports "not applied". */
  record Skip() implements Mutation {}

  /** The shared {@link Skip}. */
  Mutation SKIP = new Skip();

  /** The shared {@link Delete}. */
  Mutation DELETE = new Delete();
}
