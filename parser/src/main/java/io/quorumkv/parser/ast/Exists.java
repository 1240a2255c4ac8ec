package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code EXISTS (SELECT ...)}: whether the subquery has a row; never NULL.
 *
 * @param pos where {@code EXISTS} is
 * @param query the subquery
 */
public record Exists(SourcePos pos, Query query) implements Expression {

  /** Checks that all parts are present. */
  public Exists {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(query, "query");
  }
}
