package io.quorumkv.parser.ast;

import java.util.Locale;
import java.util.Optional;

/** The storage engines a table can ask for with {@code WITH (engine = '...')}. */
public enum TableEngine {
  /** The Bitcask engine: append-only log plus an in-memory key directory. */
  BITCASK,
  /** The LSM engine (RocksDB). */
  LSM,
  /** The in-memory engine (not durable). */
  MEMORY;

  /** The name as written in SQL, e.g. {@code bitcask}. */
  public String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The engine with the given SQL name, compared case-insensitively. */
  public static Optional<TableEngine> fromSqlName(String name) {
    for (TableEngine engine : values()) {
      if (engine.sqlName().equalsIgnoreCase(name)) {
        return Optional.of(engine);
      }
    }
    return Optional.empty();
  }
}
