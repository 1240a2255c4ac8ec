package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code *} or {@code t.*}: all visible columns (not {@code _version}, not a hidden row id).
 *
 * @param pos where the item starts
 * @param table the qualifier of {@code t.*}, if any
 */
public record AllColumns(SourcePos pos, Optional<Identifier> table) implements SelectItem {

  /** Checks that all parts are present. */
  public AllColumns {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
  }
}
