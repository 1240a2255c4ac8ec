/**
 * Group commit shared by the disk engines: concurrent writers queue their batches and one commit
 * thread writes and syncs many of them at once, so N concurrent durable writes cost one {@code
 * fsync} rather than N.
 */
package io.quorumkv.storage.group;
