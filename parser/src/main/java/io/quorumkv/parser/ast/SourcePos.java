package io.quorumkv.parser.ast;

/**
 * Where a node starts in the source text: a 1-based line and a 1-based column (counted in Unicode
 * code points). For operators (binary arithmetic, comparisons, AND/OR) it is the operator's
 * position, as error messages about an operation point at its operator.
 *
 * @param line the line, from 1
 * @param column the column within the line, from 1
 */
public record SourcePos(int line, int column) {

  /** Validates that both coordinates are positive. */
  public SourcePos {
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("positions are 1-based: " + line + ":" + column);
    }
  }

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
