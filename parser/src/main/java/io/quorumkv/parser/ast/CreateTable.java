package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code CREATE TABLE [IF NOT EXISTS] t (col TYPE [NOT NULL], ..., PRIMARY KEY (c1, ...)) [WITH
 * (engine = '...')]}. A primary key declared on a column ({@code id INT PRIMARY KEY}) is folded
 * into {@link #primaryKey()}. An empty primary key means the table gets a hidden row id as its key.
 * The parser has already checked that column names are unique and that every key column is
 * declared.
 *
 * @param pos where the statement starts
 * @param table the table name
 * @param ifNotExists whether an existing table makes the statement a no-op rather than an error
 * @param columns the columns in declaration order, at least one
 * @param primaryKey the key columns in key order, possibly empty
 * @param engine the storage engine requested with {@code WITH (engine = ...)}, if any
 */
public record CreateTable(
    SourcePos pos,
    Identifier table,
    boolean ifNotExists,
    List<ColumnDef> columns,
    List<Identifier> primaryKey,
    Optional<TableEngine> engine)
    implements Statement {

  /** Copies the lists and checks that there is at least one column. */
  public CreateTable {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    Objects.requireNonNull(engine, "engine");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
  }
}
