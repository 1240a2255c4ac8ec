package io.quorumkv.parser.ast;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A byte string such as {@code X'00ff'} (an even number of hexadecimal digits).
 *
 * @param pos where the literal starts
 * @param value the bytes; the record copies them in and out, and compares them by content
 */
public record BinaryLiteral(SourcePos pos, byte[] value) implements Literal {

  /** Checks that all parts are present and copies the bytes. */
  public BinaryLiteral {
    Objects.requireNonNull(pos, "pos");
    value = value.clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The bytes as upper-case hexadecimal digits, e.g. {@code 00FF}. */
  public String hex() {
    return HexFormat.of().withUpperCase().formatHex(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryLiteral other
        && pos.equals(other.pos)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * pos.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "BinaryLiteral[pos=" + pos + ", value=X'" + hex() + "']";
  }
}
