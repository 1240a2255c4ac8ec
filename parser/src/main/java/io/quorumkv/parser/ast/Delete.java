package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code DELETE FROM t [WHERE pred] [IF cond | IF EXISTS]}. Each matching row is deleted atomically
 * on its own.
 *
 * @param pos where the statement starts
 * @param table the table name
 * @param where the row predicate, if any
 * @param condition the {@code IF} clause, if any
 */
public record Delete(
    SourcePos pos, Identifier table, Optional<Expression> where, Optional<WriteCondition> condition)
    implements Statement {

  /** Checks that all parts are present. */
  public Delete {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(condition, "condition");
  }
}
