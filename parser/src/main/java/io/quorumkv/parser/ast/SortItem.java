package io.quorumkv.parser.ast;

import java.util.Objects;

/**
 * {@code expression [ASC | DESC]} in {@code ORDER BY}.
 *
 * @param pos where the item starts
 * @param expression the sort key
 * @param descending whether the order is descending ({@code ASC} is the default)
 */
public record SortItem(SourcePos pos, Expression expression, boolean descending) implements Node {

  /** Checks that all parts are present. */
  public SortItem {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(expression, "expression");
  }
}
