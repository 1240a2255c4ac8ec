package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code UPDATE t SET c = expr, ... [WHERE pred] [IF cond | IF EXISTS]}. Each matching row is
 * updated atomically on its own; any part of {@code WHERE} beyond the primary key is checked in the
 * row's round just like {@code IF}.
 *
 * @param pos where the statement starts
 * @param table the table name
 * @param assignments the assignments, at least one
 * @param where the row predicate, if any
 * @param condition the {@code IF} clause, if any
 */
public record Update(
    SourcePos pos,
    Identifier table,
    List<Assignment> assignments,
    Optional<Expression> where,
    Optional<WriteCondition> condition)
    implements Statement {

  /** Copies the assignments and checks that there is at least one. */
  public Update {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(table, "table");
    assignments = List.copyOf(assignments);
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(condition, "condition");
    if (assignments.isEmpty()) {
      throw new IllegalArgumentException("UPDATE needs at least one assignment");
    }
  }
}
