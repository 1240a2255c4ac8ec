package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code VALUES (...), (...)}: the literal rows of an {@code INSERT} or {@code UPSERT}.
 *
 * @param pos where {@code VALUES} starts
 * @param rows the rows, at least one, each with at least one expression
 */
public record Values(SourcePos pos, List<List<Expression>> rows) implements InsertSource {

  /** Copies the rows deeply and checks that none is empty. */
  public Values {
    Objects.requireNonNull(pos, "pos");
    rows = rows.stream().map(List::copyOf).toList();
    if (rows.isEmpty() || rows.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("VALUES needs at least one non-empty row");
    }
  }
}
