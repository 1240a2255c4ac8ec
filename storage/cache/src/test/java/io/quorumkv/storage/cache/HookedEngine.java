package io.quorumkv.storage.cache;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.KeyRange;
import io.quorumkv.storage.Scan;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Delegates to another engine and runs hooks inside every {@code get} (after the engine read) and
 * every write (before it reaches the engine), so tests can stretch or pause the windows in which a
 * loaded value is already stale.
 */
final class HookedEngine implements StorageEngine {

  private final StorageEngine delegate;
  private final Consumer<byte[]> afterRead;
  private final Consumer<WriteBatch> beforeWrite;

  HookedEngine(
      StorageEngine delegate, Consumer<byte[]> afterRead, Consumer<WriteBatch> beforeWrite) {
    this.delegate = delegate;
    this.afterRead = afterRead;
    this.beforeWrite = beforeWrite;
  }

  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public Table table(String name) {
    Table t = delegate.table(name);
    return new Table() {
      @Override
      public String name() {
        return t.name();
      }

      @Override
      public byte[] get(byte[] key) {
        byte[] v = t.get(key);
        afterRead.accept(key);
        return v;
      }

      @Override
      public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
        beforeWrite.accept(batch);
        return t.writeAsync(batch, durability);
      }

      @Override
      public Scan scan(KeyRange range) {
        return t.scan(range);
      }
    };
  }

  @Override
  public List<String> tableNames() {
    return delegate.tableNames();
  }

  @Override
  public boolean dropTable(String name) {
    return delegate.dropTable(name);
  }

  @Override
  public Map<String, Long> metrics() {
    return delegate.metrics();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
