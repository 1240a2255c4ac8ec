package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code expression [ASC | DESC] [NULLS FIRST | NULLS LAST]} in {@code ORDER BY}.
 *
 * @param pos where the item starts
 * @param expression the sort key
 * @param descending whether the order is descending ({@code ASC} is the default)
 * @param nullsFirst {@code NULLS FIRST} (true) or {@code NULLS LAST} (false); empty for the
 *     default, where NULL sorts as larger than every value (last ascending, first descending), as
 *     in PostgreSQL
 */
public record SortItem(
    SourcePos pos, Expression expression, boolean descending, Optional<Boolean> nullsFirst)
    implements Node {

  /** Checks that all parts are present. */
  public SortItem {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(nullsFirst, "nullsFirst");
  }

  /** With the default place of NULLs. */
  public SortItem(SourcePos pos, Expression expression, boolean descending) {
    this(pos, expression, descending, Optional.empty());
  }
}
