package io.quorumkv.parser.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code name([DISTINCT] arg, ...)}: a scalar function or an aggregate ({@code SUM}, {@code MIN},
 * ...); which one is decided by the planner. {@code COUNT(*)} is a {@link CountStar}.
 *
 * @param pos where the function name starts
 * @param name the function name
 * @param distinct whether {@code DISTINCT} was written (aggregates only)
 * @param arguments the arguments, possibly none
 */
public record FunctionCall(
    SourcePos pos, Identifier name, boolean distinct, List<Expression> arguments)
    implements Expression {

  /** Copies the arguments and checks that {@code DISTINCT} has something to apply to. */
  public FunctionCall {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(name, "name");
    arguments = List.copyOf(arguments);
    if (distinct && arguments.isEmpty()) {
      throw new IllegalArgumentException("DISTINCT needs an argument");
    }
  }
}
