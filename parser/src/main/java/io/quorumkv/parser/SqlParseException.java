package io.quorumkv.parser;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The statement text is not valid SQL of this dialect: a syntax error, a malformed token
 * (unterminated string, stray character) or an invalid literal (out of range, bad timestamp). No
 * statement has been executed or partly executed when this is thrown. Positions are 1-based; the
 * message reads like {@code line 1:15: syntax error at 'FORM', expected one of: ...}.
 */
public final class SqlParseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String reason;
  private final String offendingToken;
  private final List<String> expected;

  /**
   * Creates an exception.
   *
   * @param line the 1-based line of the problem
   * @param column the 1-based column of the problem
   * @param reason what is wrong, without the position (e.g. {@code syntax error at 'FORM'})
   * @param offendingToken the text of the token at fault, or {@code null} at the end of the input
   * @param expected what could have come instead (for syntax errors), possibly empty
   */
  public SqlParseException(
      int line, int column, String reason, String offendingToken, List<String> expected) {
    super(format(line, column, reason, expected));
    this.line = line;
    this.column = column;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.offendingToken = offendingToken;
    this.expected = List.copyOf(expected);
  }

  private static String format(int line, int column, String reason, List<String> expected) {
    StringBuilder message = new StringBuilder();
    message.append("line ").append(line).append(':').append(column).append(": ").append(reason);
    if (expected.size() == 1) {
      message.append(", expected ").append(expected.get(0));
    } else if (!expected.isEmpty()) {
      message.append(", expected one of: ").append(String.join(", ", expected));
    }
    return message.toString();
  }

  /** The 1-based line of the problem. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem, in Unicode code points. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position and the expected tokens. */
  public String reason() {
    return reason;
  }

  /** The text of the token at fault; empty when the problem is the end of the input. */
  public Optional<String> offendingToken() {
    return Optional.ofNullable(offendingToken);
  }

  /**
   * What the parser would have accepted at this point, e.g. {@code FROM}, {@code ')'}, {@code
   * identifier}, {@code expression}, {@code end of input}; empty for errors that are not about the
   * order of tokens.
   */
  public List<String> expected() {
    return expected;
  }
}
