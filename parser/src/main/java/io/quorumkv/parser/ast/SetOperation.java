package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * One step of a compound query: {@code UNION [ALL]}, {@code INTERSECT [ALL]} or {@code EXCEPT
 * [ALL]} with its right operand. See {@link Query#setOperations()}.
 *
 * @param pos where the operator is
 * @param kind the operator
 * @param all whether duplicates are kept ({@code ALL}); without it the result has none
 * @param query the right operand: a SELECT, or a compound query of its own (from parentheses, or an
 *     {@code INTERSECT}, which binds more tightly than {@code UNION} and {@code EXCEPT})
 */
public record SetOperation(SourcePos pos, Kind kind, boolean all, Query query) implements Node {

  /** The set operators. */
  public enum Kind {
    /** The rows of either side. */
    UNION,
    /** The rows of both sides. */
    INTERSECT,
    /** The rows of the left side that the right side does not have. */
    EXCEPT
  }

  /** Checks that all parts are present. */
  public SetOperation {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(query, "query");
  }
}
