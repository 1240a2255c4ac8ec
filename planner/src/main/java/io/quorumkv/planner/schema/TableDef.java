package io.quorumkv.planner.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A table's definition as the catalog stores it. Immutable; a schema change produces a new
 * definition with the next {@link #schemaVersion}.
 *
 * <p>A table declared without a primary key gets a hidden BIGINT column {@value #ROW_ID} as its
 * key, so every row is still exactly one replicated key.
 *
 * @param id the table's number, the first bytes of each of its keys; never reused
 * @param name the table's name
 * @param columns the columns in declaration order (added columns at the end)
 * @param primaryKey indexes into {@code columns} of the key columns, in key order
 * @param engine the storage engine kind that keeps the table's rows
 * @param schemaVersion starts at 1, bumped by every change
 */
public record TableDef(
    int id,
    String name,
    List<ColumnDef> columns,
    List<Integer> primaryKey,
    String engine,
    int schemaVersion) {

  /** The hidden key column of a table declared without a primary key. */
  public static final String ROW_ID = "_ROWID";

  /** The pseudo-column holding a row's replicated version. */
  public static final String VERSION = "_VERSION";

  /** The engines a table may name. */
  public static final Set<String> ENGINES = Set.of("bitcask", "lsm", "memory");

  /** Validates names, the key and the engine. */
  public TableDef {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    if (id < 0) {
      throw new IllegalArgumentException("table id must not be negative");
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a table needs a name");
    }
    if (columns.isEmpty()) {
      throw new SchemaException("table " + name + " needs at least one column");
    }
    Set<String> seen = new HashSet<>();
    for (ColumnDef c : columns) {
      if (!seen.add(c.name())) {
        throw new SchemaException("column " + c.name() + " is declared twice in table " + name);
      }
      if (c.name().equalsIgnoreCase(VERSION)) {
        throw new SchemaException(VERSION + " is a pseudo-column and cannot be declared");
      }
    }
    if (primaryKey.isEmpty()) {
      throw new SchemaException("table " + name + " has no primary key");
    }
    Set<Integer> keySeen = new HashSet<>();
    for (int i : primaryKey) {
      if (i < 0 || i >= columns.size() || !keySeen.add(i)) {
        throw new SchemaException("bad primary key column index " + i + " in table " + name);
      }
      if (columns.get(i).nullable()) {
        throw new SchemaException(
            "primary key column " + columns.get(i).name() + " of " + name + " must be NOT NULL");
      }
    }
    if (!ENGINES.contains(engine)) {
      throw new SchemaException(
          "unknown engine '" + engine + "' for table " + name + "; use one of " + ENGINES);
    }
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schema version starts at 1");
    }
  }

  /**
   * A new table's definition. With an empty {@code keyColumns} a hidden {@value #ROW_ID} key column
   * is added first. Key columns become NOT NULL.
   *
   * @throws SchemaException if a key column is not a declared column
   */
  public static TableDef create(
      int id, String name, List<ColumnDef> declared, List<String> keyColumns, String engine) {
    List<ColumnDef> cols = new ArrayList<>();
    List<Integer> key = new ArrayList<>();
    if (keyColumns.isEmpty()) {
      cols.add(new ColumnDef(ROW_ID, ColumnType.BIGINT, false, true));
      key.add(0);
    }
    int offset = cols.size();
    cols.addAll(declared);
    for (String k : keyColumns) {
      int i = indexIn(declared, k);
      if (i < 0) {
        throw new SchemaException("primary key column " + k + " is not a column of table " + name);
      }
      ColumnDef c = declared.get(i);
      cols.set(offset + i, new ColumnDef(c.name(), c.type(), false, c.hidden()));
      key.add(offset + i);
    }
    return new TableDef(id, name, cols, key, engine, 1);
  }

  /**
   * This table with {@code column} added at the end and the schema version bumped.
   *
   * @throws SchemaException if the name is taken or the column is NOT NULL (existing rows would
   *     violate it)
   */
  public TableDef withColumn(ColumnDef column) {
    if (column(column.name()).isPresent()) {
      throw new SchemaException("table " + name + " already has a column " + column.name());
    }
    if (!column.nullable()) {
      throw new SchemaException(
          "an added column must allow NULL: existing rows of " + name + " have no value for it");
    }
    List<ColumnDef> cols = new ArrayList<>(columns);
    cols.add(column);
    return new TableDef(id, name, cols, primaryKey, engine, schemaVersion + 1);
  }

  /** The column with this exact name. */
  public Optional<ColumnDef> column(String columnName) {
    int i = indexIn(columns, columnName);
    return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
  }

  /** The position of the column with this exact name, or -1. */
  public int columnIndex(String columnName) {
    return indexIn(columns, columnName);
  }

  /** The key columns' types, in key order. */
  public List<ColumnType> keyTypes() {
    return primaryKey.stream().map(i -> columns.get(i).type()).toList();
  }

  /** Every column's type, in column order. */
  public List<ColumnType> columnTypes() {
    return columns.stream().map(ColumnDef::type).toList();
  }

  /** Whether the key is the hidden row id. */
  public boolean hasHiddenKey() {
    return columns.get(primaryKey.get(0)).hidden();
  }

  private static int indexIn(List<ColumnDef> cols, String columnName) {
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }
}
