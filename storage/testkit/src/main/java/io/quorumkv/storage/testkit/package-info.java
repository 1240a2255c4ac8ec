/**
 * Tests every storage engine must pass: the {@link
 * io.quorumkv.storage.testkit.StorageEngineContractTest contract suite} and a {@link
 * io.quorumkv.storage.testkit.EngineModelCheck model check} that compares an engine with a plain
 * sorted map over random operation sequences, including restarts.
 */
package io.quorumkv.storage.testkit;
