package io.quorumkv.storage.memory;

import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.Table;
import io.quorumkv.storage.TableNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine that keeps every table in a sorted concurrent map. Both durabilities mean "in memory":
 * nothing survives the process. Thread-safe.
 */
public final class MemoryEngine implements StorageEngine {

  static final String KIND = "memory";

  private final ConcurrentHashMap<String, MemoryTable> tables = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean closed;

  /** An empty engine. */
  public MemoryEngine() {}

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Table table(String name) {
    TableNames.check(name);
    checkOpen();
    return tables.computeIfAbsent(name, n -> new MemoryTable(n, writes));
  }

  @Override
  public List<String> tableNames() {
    checkOpen();
    List<String> names = new ArrayList<>(tables.keySet());
    names.sort(null);
    return names;
  }

  @Override
  public boolean dropTable(String name) {
    checkOpen();
    MemoryTable t = tables.remove(name);
    if (t != null) {
      t.close();
    }
    return t != null;
  }

  @Override
  public Map<String, Long> metrics() {
    return Map.of("writes", writes.get(), "tables", (long) tables.size());
  }

  @Override
  public void close() {
    closed = true;
    tables.values().forEach(MemoryTable::close);
    tables.clear();
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageClosedException("memory engine is closed");
    }
  }
}
