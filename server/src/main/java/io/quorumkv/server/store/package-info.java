/**
 * The SQL layer's store over the replication core: {@link
 * io.quorumkv.server.store.ReplicatedKeyValueStore} implements the executor's {@link
 * io.quorumkv.executor.store.KeyValueStore} port on a local {@link
 * io.quorumkv.replication.node.ReplicaNode}, which coordinates every request.
 */
package io.quorumkv.server.store;
