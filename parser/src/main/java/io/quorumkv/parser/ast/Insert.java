package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code INSERT INTO t [(cols)] VALUES ... [IF NOT EXISTS]}, {@code INSERT INTO t [(cols)] SELECT
 * ...} and the same with {@code UPSERT}. Rows are written atomically one by one, not as a whole
 * statement.
 *
 * @param pos where the statement starts
 * @param mode {@code INSERT} (fails on an existing key) or {@code UPSERT} (overwrites)
 * @param table the table name
 * @param columns the target columns; empty means all visible columns in declaration order
 * @param source the rows
 * @param ifNotExists for {@code INSERT ... VALUES}: skip (and report) rows whose key exists instead
 *     of failing; always false otherwise
 */
public record Insert(
    SourcePos pos,
    Mode mode,
    Identifier table,
    List<Identifier> columns,
    InsertSource source,
    boolean ifNotExists)
    implements Statement {

  /** How an existing key is treated. */
  public enum Mode {
    /** {@code INSERT}: an existing key is an error (or, with {@code IF NOT EXISTS}, skipped). */
    INSERT,
    /** {@code UPSERT}: an existing row is replaced. */
    UPSERT
  }

  /** Copies the column list and checks that IF NOT EXISTS is only used with INSERT ... VALUES. */
  public Insert {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(table, "table");
    columns = List.copyOf(columns);
    Objects.requireNonNull(source, "source");
    if (ifNotExists && (mode != Mode.INSERT || !(source instanceof Values))) {
      throw new IllegalArgumentException("IF NOT EXISTS applies to INSERT ... VALUES only");
    }
    for (Identifier column : columns) {
      if (VersionRef.NAME.equals(column.value())) {
        throw new IllegalArgumentException("_VERSION is maintained by the store and not writable");
      }
    }
  }
}
