package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code CASE [operand] WHEN ... THEN ... [WHEN ...] [ELSE ...] END}. Searched (no operand): the
 * result of the first {@code WHEN} whose condition is true. Simple (with an operand): the result of
 * the first {@code WHEN} whose value equals the operand. Without a match, the {@code ELSE} value,
 * or NULL without one.
 *
 * @param pos where {@code CASE} is
 * @param operand the value compared with each {@code WHEN} value (simple CASE), or empty
 * @param whens the branches in order, at least one
 * @param otherwise the {@code ELSE} value, or empty
 */
public record Case(
    SourcePos pos, Optional<Expression> operand, List<When> whens, Optional<Expression> otherwise)
    implements Expression {

  /** Copies the branches and checks that there is one at least. */
  public Case {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(otherwise, "otherwise");
    whens = List.copyOf(whens);
    if (whens.isEmpty()) {
      throw new IllegalArgumentException("CASE needs at least one WHEN");
    }
  }

  /**
   * {@code WHEN condition THEN result}.
   *
   * @param pos where {@code WHEN} is
   * @param condition a BOOLEAN condition (searched CASE) or the value compared with the operand
   * @param result the value of the CASE when this branch is taken
   */
  public record When(SourcePos pos, Expression condition, Expression result) implements Node {

    /** Checks that all parts are present. */
    public When {
      Objects.requireNonNull(pos, "pos");
      Objects.requireNonNull(condition, "condition");
      Objects.requireNonNull(result, "result");
    }
  }
}
