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
 * @param setOperations for a compound query ({@code SELECT ... UNION SELECT ...}), the set
 *     operations applied in order, left to right, to the rows of this SELECT; {@code orderBy},
 *     {@code limit} and {@code offset} then apply to the whole result. Empty for a plain SELECT
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
    Optional<Expression> offset,
    List<SetOperation> setOperations)
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
    setOperations = List.copyOf(setOperations);
  }

  /** A plain SELECT, without set operations. */
  public Query(
      SourcePos pos,
      boolean distinct,
      List<SelectItem> items,
      Optional<Relation> from,
      Optional<Expression> where,
      List<Expression> groupBy,
      Optional<Expression> having,
      List<SortItem> orderBy,
      Optional<Expression> limit,
      Optional<Expression> offset) {
    this(pos, distinct, items, from, where, groupBy, having, orderBy, limit, offset, List.of());
  }

  /** Whether this is a compound query (with set operations). */
  public boolean isCompound() {
    return !setOperations.isEmpty();
  }

  /** This query without its set operations, ORDER BY, LIMIT and OFFSET: its first SELECT. */
  public Query firstSelect() {
    return new Query(
        pos,
        distinct,
        items,
        from,
        where,
        groupBy,
        having,
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  /** This query with these set operations, ORDER BY, LIMIT and OFFSET. */
  public Query with(
      List<SetOperation> operations,
      List<SortItem> order,
      Optional<Expression> rowLimit,
      Optional<Expression> rowOffset) {
    return new Query(
        pos, distinct, items, from, where, groupBy, having, order, rowLimit, rowOffset, operations);
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
