package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * A table in {@code FROM}, with an optional alias.
 *
 * @param pos where the table name starts
 * @param name the table name
 * @param alias the correlation name, if given
 */
public record TableRef(SourcePos pos, Identifier name, Optional<Identifier> alias)
    implements Relation {

  /** Checks that all parts are present. */
  public TableRef {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(alias, "alias");
  }
}
