package io.quorumkv.planner.schema;

import java.util.Objects;

/**
 * One column of a table.
 *
 * @param name the column's name as stored (unquoted identifiers are upper-cased by the parser)
 * @param type its type
 * @param nullable whether NULL is allowed; primary-key columns never are
 * @param hidden whether {@code SELECT *} and a column-less {@code INSERT} skip it (the row id of a
 *     table declared without a primary key)
 */
public record ColumnDef(String name, ColumnType type, boolean nullable, boolean hidden) {

  /** Checks the name. */
  public ColumnDef {
    Objects.requireNonNull(type, "type");
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a column needs a name");
    }
  }

  /** A visible column. */
  public static ColumnDef of(String name, ColumnType type, boolean nullable) {
    return new ColumnDef(name, type, nullable, false);
  }
}
