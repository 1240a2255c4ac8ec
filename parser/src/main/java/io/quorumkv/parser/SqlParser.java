package io.quorumkv.parser;

import io.quorumkv.parser.ast.Statement;
import io.quorumkv.parser.grammar.QuorumSqlLexer;
import io.quorumkv.parser.grammar.QuorumSqlParser;
import java.util.List;
import java.util.Objects;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;

/**
 * Parses QuorumKV SQL (docs/sql.md) into the syntax tree of {@link io.quorumkv.parser.ast}.
 *
 * <p>Any invalid input, however malformed, ends in a {@link SqlParseException} with the line,
 * column and offending token; the parser never writes to stdout or stderr and never exposes ANTLR's
 * own exceptions. Parsing is purely syntactic: table and column names are not resolved.
 *
 * <p>Stateless and thread-safe; ANTLR's prediction caches are shared between threads.
 */
public final class SqlParser {

  /**
   * The deepest nesting of parentheses (and the longest run of prefix operators such as {@code NOT}
   * or {@code -}) accepted. Deeper input is rejected up front rather than risking a stack overflow
   * here or in the phases that walk the tree.
   */
  public static final int MAX_NESTING = 200;

  private SqlParser() {}

  /**
   * Parses exactly one statement, optionally followed by {@code ;}.
   *
   * @throws SqlParseException if the text is not exactly one valid statement
   * @throws NullPointerException if {@code sql} is null
   */
  public static Statement parse(String sql) {
    CommonTokenStream tokens = tokenize(sql);
    List<Statement> statements = parseTokens(tokens);
    if (statements.size() == 1) {
      return statements.get(0);
    }
    if (statements.isEmpty()) {
      Token eof = tokens.get(tokens.size() - 1);
      throw new SqlParseException(
          eof.getLine(),
          eof.getCharPositionInLine() + 1,
          "empty statement",
          null,
          List.of("a statement"));
    }
    Statement second = statements.get(1);
    throw new SqlParseException(
        second.pos().line(),
        second.pos().column(),
        "more than one statement; use parseScript to run a script",
        null,
        List.of());
  }

  /**
   * Parses a script: zero or more statements separated by {@code ;} (empty statements are ignored).
   * The {@code ?} parameters of each statement are numbered from 1 within it.
   *
   * @throws SqlParseException at the first error; no statement is returned in that case
   * @throws NullPointerException if {@code sql} is null
   */
  public static List<Statement> parseScript(String sql) {
    return parseTokens(tokenize(sql));
  }

  private static CommonTokenStream tokenize(String sql) {
    Objects.requireNonNull(sql, "sql");
    QuorumSqlLexer lexer = new QuorumSqlLexer(CharStreams.fromString(sql));
    // The lexer cannot fail (malformed input becomes error tokens), but make sure nothing ever
    // reaches ANTLR's ConsoleErrorListener.
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill();
    return tokens;
  }

  private static List<Statement> parseTokens(CommonTokenStream tokens) {
    NestingCheck.check(tokens);
    try {
      QuorumSqlParser.ScriptContext tree = runParser(tokens);
      return AstBuilder.build(tree, tokens);
    } catch (SyntaxErrors.Failure failure) {
      throw SyntaxErrors.describe(tokens, failure.token());
    } catch (StackOverflowError e) {
      // A backstop for what NestingCheck cannot see, such as a chain of thousands of ANDs: the
      // tree is then deeper than the stack allows.
      throw new SqlParseException(
          1, 1, "statement too large to parse (its expression tree is too deep)", null, List.of());
    }
  }

  /**
   * Runs the generated parser; a syntax error ends it with {@link SyntaxErrors.Failure}. Also used
   * by {@link SyntaxErrors} to probe which tokens could have followed a valid prefix.
   */
  static QuorumSqlParser.ScriptContext runParser(CommonTokenStream tokens) {
    QuorumSqlParser parser = new QuorumSqlParser(tokens);
    parser.removeErrorListeners();
    parser.setErrorHandler(new SyntaxErrors.FailFast());
    // Full LL: with a fail-fast error strategy, SLL could report errors in valid input.
    parser.getInterpreter().setPredictionMode(PredictionMode.LL);
    return parser.script();
  }
}
