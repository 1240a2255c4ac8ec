package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * A name (table, column, alias, function or type name) after SQL's case rules: an unquoted
 * identifier is folded to upper case ({@code balance} and {@code BALANCE} are both {@code
 * BALANCE}), a quoted one ({@code "Balance"}) is kept exactly. Compare names with {@link #value()}.
 *
 * @param pos where the identifier starts
 * @param value the normalized name, never empty
 */
public record Identifier(SourcePos pos, String value) implements Node {

  /** Validates that the name is present and not empty. */
  public Identifier {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty identifier");
    }
  }
}
