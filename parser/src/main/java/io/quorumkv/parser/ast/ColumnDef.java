package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * A column definition in {@code CREATE TABLE} or {@code ALTER TABLE ... ADD COLUMN}.
 *
 * @param pos where the definition starts (its name)
 * @param name the column name; never {@code _VERSION}, which is reserved for the row version
 * @param type the declared type
 * @param notNull whether {@code NOT NULL} was declared (key columns are not null regardless)
 */
public record ColumnDef(SourcePos pos, Identifier name, DataType type, boolean notNull)
    implements Node {

  /** Checks that all parts are present and the name is not the version pseudo-column. */
  public ColumnDef {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (VersionRef.NAME.equals(name.value())) {
      throw new IllegalArgumentException("_VERSION is reserved for the row version");
    }
  }
}
