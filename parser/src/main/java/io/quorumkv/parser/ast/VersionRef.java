package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * The pseudo-column {@code _version} (or {@code t._version}): the version of the row, advanced by
 * every write to it. Readable in queries and conditions, never writable, not part of {@code *}.
 *
 * @param pos where the reference starts
 * @param table the qualifier (table name or alias), if any
 */
public record VersionRef(SourcePos pos, Optional<Identifier> table) implements Expression {

  /** The normalized name of the pseudo-column. */
  public static final String NAME = "_VERSION";

  /** Checks that all parts are present. */
  public VersionRef {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
  }
}
