package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * A character string such as {@code 'it''s'} (a quote is written twice).
 *
 * @param pos where the literal starts
 * @param value the value, without quotes and with doubled quotes undone
 */
public record StringLiteral(SourcePos pos, String value) implements Literal {

  /** Checks that all parts are present. */
  public StringLiteral {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(value, "value");
  }
}
