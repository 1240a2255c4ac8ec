package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code x [NOT] LIKE pattern [ESCAPE e]} ({@code %} matches any run of characters, {@code _} one).
 *
 * @param pos where {@code LIKE} (or the {@code NOT} before it) is
 * @param operand the tested value
 * @param pattern the pattern
 * @param escape the escape character, if given
 * @param negated whether it is {@code NOT LIKE}
 */
public record Like(
    SourcePos pos,
    Expression operand,
    Expression pattern,
    Optional<Expression> escape,
    boolean negated)
    implements Expression {

  /** Checks that all parts are present. */
  public Like {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(escape, "escape");
  }
}
