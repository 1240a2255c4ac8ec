/**
 * A read cache that any storage engine can sit behind: {@link
 * io.quorumkv.storage.cache.CachingEngine} keeps recently read values (and recently confirmed
 * absences) of every table in one Caffeine cache bounded by bytes, and never returns a value older
 * than the engine's. Writes and scans go straight to the engine.
 */
package io.quorumkv.storage.cache;
