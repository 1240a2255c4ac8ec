package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * An infix operation: logical ({@code AND}, {@code OR}), comparison, arithmetic or string
 * concatenation. Operators of equal precedence associate to the left.
 *
 * @param pos where the operator is
 * @param operator the operator
 * @param left the left operand
 * @param right the right operand
 */
public record Binary(SourcePos pos, Operator operator, Expression left, Expression right)
    implements Expression {

  /** The infix operators, with their SQL spelling. */
  public enum Operator {
    /** {@code OR}. */
    OR("OR"),
    /** {@code AND}. */
    AND("AND"),
    /** {@code =}. */
    EQUAL("="),
    /** {@code <>} (also written {@code !=}). */
    NOT_EQUAL("<>"),
    /** {@code <}. */
    LESS_THAN("<"),
    /** {@code <=}. */
    LESS_THAN_OR_EQUAL("<="),
    /** {@code >}. */
    GREATER_THAN(">"),
    /** {@code >=}. */
    GREATER_THAN_OR_EQUAL(">="),
    /** {@code ||}: string concatenation. */
    CONCAT("||"),
    /** {@code +}. */
    ADD("+"),
    /** {@code -}. */
    SUBTRACT("-"),
    /** {@code *}. */
    MULTIPLY("*"),
    /** {@code /}. */
    DIVIDE("/"),
    /** {@code %}: remainder. */
    MODULUS("%");

    private final String sql;

    Operator(String sql) {
      this.sql = sql;
    }

    /** The operator as written in canonical SQL. */
    public String sql() {
      return sql;
    }

    /** Whether this is one of the six comparisons. */
    public boolean isComparison() {
      return compareTo(EQUAL) >= 0 && compareTo(GREATER_THAN_OR_EQUAL) <= 0;
    }
  }

  /** Checks that all parts are present. */
  public Binary {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
  }
}
