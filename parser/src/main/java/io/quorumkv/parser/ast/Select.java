package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * A query as a statement, optionally a conditional read: {@code SELECT ... WHERE pk = ? IF _version
 * > ?} returns the rows only when the condition holds on them.
 *
 * @param pos where the statement starts
 * @param query the query
 * @param condition the {@code IF} condition, if any
 */
public record Select(SourcePos pos, Query query, Optional<Expression> condition)
    implements Statement {

  /** Checks that all parts are present. */
  public Select {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(condition, "condition");
  }
}
