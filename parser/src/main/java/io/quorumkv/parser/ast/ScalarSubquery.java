package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code (SELECT ...)} used as a value: the subquery's one column of at most one row; NULL without
 * a row, an error with more than one.
 *
 * @param pos where the opening parenthesis is
 * @param query the subquery, of one column
 */
public record ScalarSubquery(SourcePos pos, Query query) implements Expression {

  /** Checks that all parts are present. */
  public ScalarSubquery {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(query, "query");
  }
}
