package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code x [NOT] IN (SELECT ...)}: whether the subquery's rows (of one column) contain {@code x},
 * with SQL's three-valued logic (NULL when there is no match but a NULL among the rows, or when
 * {@code x} is NULL and there are rows).
 *
 * @param pos where {@code IN} (or the {@code NOT} before it) is
 * @param operand the tested value
 * @param query the subquery, of one column
 * @param negated whether it is {@code NOT IN}
 */
public record InSubquery(SourcePos pos, Expression operand, Query query, boolean negated)
    implements Expression {

  /** Checks that all parts are present. */
  public InSubquery {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(query, "query");
  }
}
