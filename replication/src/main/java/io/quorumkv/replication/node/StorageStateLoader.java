package io.quorumkv.replication.node;

import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.KeyState;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.StateLoader;
import io.quorumkv.storage.Table;
import java.util.Objects;

/**
 * Loads a key's durable state from the node's storage table (one {@link KeyStateCodec} record per
 * key). Called on the replica thread the first time a key is touched after a start; the {@link
 * io.quorumkv.replication.paxos.Replica} keeps the state in memory afterwards, so a value visible
 * in the table before its write completed can never be read here (nothing is pending at that
 * point). A record that does not decode throws {@link
 * io.quorumkv.replication.paxos.MalformedDataException}: damage is not repaired silently.
 */
final class StorageStateLoader implements StateLoader {
  private final Table table;

  StorageStateLoader(Table table) {
    this.table = Objects.requireNonNull(table);
  }

  @Override
  public KeyState load(Bytes key) {
    byte[] b = table.get(key.toByteArray());
    return b == null ? null : KeyStateCodec.decode(b);
  }
}
