package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code expression [[AS] alias]} in a select list.
 *
 * @param pos where the item starts
 * @param expression the value
 * @param alias the output name, if given
 */
public record SingleColumn(SourcePos pos, Expression expression, Optional<Identifier> alias)
    implements SelectItem {

  /** Checks that all parts are present. */
  public SingleColumn {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(alias, "alias");
  }
}
