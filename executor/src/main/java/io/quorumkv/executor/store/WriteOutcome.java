package io.quorumkv.executor.store;

/**
 * The definite outcome of a read-modify-write. An unknown outcome is not a value of this type but
 * an {@link OutcomeUnknownException}, so nobody mistakes it for "not applied".
 *
 * @param applied whether the write changed the key
 * @param current the key's value after the round: the new value if applied, otherwise the value the
 *     condition was checked against; {@code null} if the key is absent
 */
public record WriteOutcome(boolean applied, VersionedValue current) {}
