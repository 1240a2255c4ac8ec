package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code SELECT [DISTINCT] items [FROM ...] [WHERE ...] [GROUP BY ...] [HAVING ...] [ORDER BY ...]
 * [LIMIT n] [OFFSET n]}: a statement's query, a subquery in {@code FROM}, or the source of {@code
 * INSERT ... SELECT}.
 *
 * @param pos where {@code SELECT} starts
 * @param distinct whether duplicates are removed
 * @param items the select list, at least one item
 * @param from the relation, if any ({@code FROM a, b} is a cross join)
 * @param where the filter, if any
 * @param groupBy the grouping expressions, possibly empty
 * @param having the group filter, if any
 * @param orderBy the sort keys, possibly empty
 * @param limit the row limit: a non-negative {@link IntegerLiteral} or a {@link Parameter}
 * @param offset the rows to skip: a non-negative {@link IntegerLiteral} or a {@link Parameter}
 */
public record Query(
    SourcePos pos,
    boolean distinct,
    List<SelectItem> items,
    Optional<Relation> from,
    Optional<Expression> where,
    List<Expression> groupBy,
    Optional<Expression> having,
    List<SortItem> orderBy,
    Optional<Expression> limit,
    Optional<Expression> offset)
    implements InsertSource {

  /** Copies the lists and checks the select list and the row counts. */
  public Query {
    Objects.requireNonNull(pos, "pos");
    items = List.copyOf(items);
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(where, "where");
    groupBy = List.copyOf(groupBy);
    Objects.requireNonNull(having, "having");
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(offset, "offset");
    if (items.isEmpty()) {
      throw new IllegalArgumentException("SELECT needs at least one item");
    }
    limit.ifPresent(Query::checkRowCount);
    offset.ifPresent(Query::checkRowCount);
  }

  private static void checkRowCount(Expression count) {
    boolean ok =
        count instanceof Parameter
            || count instanceof IntegerLiteral literal && literal.value() >= 0;
    if (!ok) {
      throw new IllegalArgumentException(
          "LIMIT and OFFSET take a non-negative integer or a parameter");
    }
  }
}
