package io.quorumkv.parser.ast;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code left [INNER | LEFT | RIGHT | FULL] JOIN right ON condition} or {@code left CROSS JOIN
 * right} (also written {@code left, right}).
 *
 * @param pos where the join keyword starts
 * @param type the kind of join
 * @param left the left input
 * @param right the right input
 * @param on the join condition; present exactly when the type is not {@link Type#CROSS}
 */
public record Join(SourcePos pos, Type type, Relation left, Relation right, Optional<Expression> on)
    implements Relation {

  /** The kinds of join. */
  public enum Type {
    /** {@code [INNER] JOIN}. */
    INNER,
    /** {@code LEFT [OUTER] JOIN}. */
    LEFT,
    /** {@code RIGHT [OUTER] JOIN}. */
    RIGHT,
    /** {@code FULL [OUTER] JOIN}. */
    FULL,
    /** {@code CROSS JOIN} or a comma in {@code FROM}. */
    CROSS
  }

  /** Checks that all parts are present and that only a cross join lacks a condition. */
  public Join {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    Objects.requireNonNull(on, "on");
    if ((type == Type.CROSS) == on.isPresent()) {
      throw new IllegalArgumentException("a join has a condition exactly when it is not CROSS");
    }
  }
}
