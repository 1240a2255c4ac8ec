package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * A subquery in {@code FROM}: {@code (SELECT ...) [AS] alias}.
 *
 * @param pos where the opening parenthesis is
 * @param query the subquery
 * @param alias the correlation name, if given
 */
public record DerivedTable(SourcePos pos, Query query, Optional<Identifier> alias)
    implements Relation {

  /** Checks that all parts are present. */
  public DerivedTable {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(alias, "alias");
  }
}
