package io.quorumkv.parser;

import io.quorumkv.parser.grammar.QuorumSqlLexer;
import io.quorumkv.parser.grammar.QuorumSqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Syntax error handling: the parser stops at the first error ({@link FailFast}), and {@link
 * #describe} turns the offending token into a {@link SqlParseException}.
 *
 * <p>The expected tokens are found by probing rather than read from ANTLR's error state (which,
 * after a failed multi-token prediction, describes an earlier position): the current statement's
 * tokens before the offending one are re-parsed once per candidate token type, and a candidate is
 * expected if the parser gets past it. This costs about a hundred small parses, only on the error
 * path, and names exactly what could have come at that position.
 */
final class SyntaxErrors {

  private static final Vocabulary VOCABULARY = QuorumSqlLexer.VOCABULARY;

  /** Token types that are never seen by the parser or never accepted by it. */
  private static final Set<Integer> NOT_CANDIDATES =
      Set.of(
          QuorumSqlLexer.SIMPLE_COMMENT,
          QuorumSqlLexer.BLOCK_COMMENT,
          QuorumSqlLexer.WS,
          QuorumSqlLexer.UNTERMINATED_STRING,
          QuorumSqlLexer.UNTERMINATED_QUOTED_IDENTIFIER,
          QuorumSqlLexer.UNTERMINATED_COMMENT,
          QuorumSqlLexer.ERROR_CHAR);

  private static final IntervalSet NON_RESERVED = firstTokens(QuorumSqlParser.RULE_nonReserved);
  private static final IntervalSet EXPRESSION_START = firstTokens(QuorumSqlParser.RULE_expression);
  private static final IntervalSet VALUE_START = firstTokens(QuorumSqlParser.RULE_valueExpression);

  private SyntaxErrors() {}

  /** Ends the parse at the first syntax error, with the offending token. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Token token;

    Failure(Token token) {
      super(null, null, false, false);
      this.token = token;
    }

    Token token() {
      return token;
    }
  }

  /**
   * An error strategy that neither reports nor recovers: every error ends the parse with a {@link
   * Failure}. ({@code sync} is a no-op, as in ANTLR's BailErrorStrategy, because the default one
   * silently deletes unexpected tokens when there are no error listeners.)
   */
  static final class FailFast extends DefaultErrorStrategy {
    @Override
    public void reportError(Parser recognizer, RecognitionException e) {
      throw failure(recognizer, e);
    }

    @Override
    public void recover(Parser recognizer, RecognitionException e) {
      throw failure(recognizer, e);
    }

    @Override
    public Token recoverInline(Parser recognizer) {
      throw new Failure(recognizer.getCurrentToken());
    }

    @Override
    public void sync(Parser recognizer) {}

    private static Failure failure(Parser recognizer, RecognitionException e) {
      Token token = e.getOffendingToken();
      return new Failure(token != null ? token : recognizer.getCurrentToken());
    }
  }

  /** The exception for a parse that failed at {@code offending}. */
  static SqlParseException describe(CommonTokenStream tokens, Token offending) {
    int line = offending.getLine();
    int column = offending.getCharPositionInLine() + 1;
    String text = offending.getType() == Token.EOF ? null : offending.getText();
    String lexical =
        switch (offending.getType()) {
          case QuorumSqlLexer.ERROR_CHAR -> "unexpected character " + character(text);
          case QuorumSqlLexer.UNTERMINATED_STRING -> "unterminated string literal";
          case QuorumSqlLexer.UNTERMINATED_QUOTED_IDENTIFIER -> "unterminated quoted identifier";
          case QuorumSqlLexer.UNTERMINATED_COMMENT -> "unterminated comment";
          default -> null;
        };
    if (lexical != null) {
      return new SqlParseException(line, column, lexical, text, List.of());
    }
    String at = text == null ? "end of input" : "'" + abbreviate(text) + "'";
    return new SqlParseException(
        line, column, "syntax error at " + at, text, expected(tokens, offending));
  }

  private static List<String> expected(CommonTokenStream tokens, Token offending) {
    List<Token> prefix = statementPrefix(tokens, offending);
    IntervalSet viable = new IntervalSet();
    if (viable(prefix, Token.EOF)) {
      viable.add(Token.EOF);
    }
    for (int type = 1; type <= VOCABULARY.getMaxTokenType(); type++) {
      if (!NOT_CANDIDATES.contains(type) && viable(prefix, type)) {
        viable.add(type);
      }
    }
    return names(viable);
  }

  /** The default-channel tokens from the start of the offending token's statement up to it. */
  private static List<Token> statementPrefix(CommonTokenStream tokens, Token offending) {
    int start = offending.getTokenIndex();
    while (start > 0 && tokens.get(start - 1).getType() != QuorumSqlLexer.SEMICOLON) {
      start--;
    }
    List<Token> prefix = new ArrayList<>();
    for (int i = start; i < offending.getTokenIndex(); i++) {
      Token token = tokens.get(i);
      if (token.getChannel() == Token.DEFAULT_CHANNEL) {
        prefix.add(new CommonToken(token));
      }
    }
    return prefix;
  }

  /** Whether the parser gets past a token of the given type placed after the prefix. */
  private static boolean viable(List<Token> prefix, int type) {
    List<Token> probe = new ArrayList<>(prefix.size() + 2);
    for (Token token : prefix) {
      probe.add(new CommonToken(token));
    }
    if (type != Token.EOF) {
      probe.add(new CommonToken(type, "x"));
    }
    probe.add(new CommonToken(Token.EOF, "<EOF>"));
    try {
      CommonTokenStream tokens = new CommonTokenStream(new ListTokenSource(probe));
      tokens.fill();
      SqlParser.runParser(tokens);
      return true;
    } catch (Failure failure) {
      return failure.token().getTokenIndex() > prefix.size();
    }
  }

  /** Readable names for a set of token types, grouping identifiers and expression starts. */
  private static List<String> names(IntervalSet types) {
    List<String> names = new ArrayList<>();
    IntervalSet remaining = new IntervalSet(types);
    if (containsAll(types, VALUE_START)) {
      names.add("expression");
      remaining = remaining.subtract(EXPRESSION_START);
    }
    if (remaining.contains(QuorumSqlLexer.IDENTIFIER)) {
      names.add("identifier");
      remaining = remaining.subtract(NON_RESERVED);
      remaining.remove(QuorumSqlLexer.IDENTIFIER);
      remaining.remove(QuorumSqlLexer.QUOTED_IDENTIFIER);
    }
    Set<String> keywords = new TreeSet<>();
    List<String> others = new ArrayList<>();
    for (int type : remaining.toList()) {
      String literal = VOCABULARY.getLiteralName(type);
      if (literal != null && Character.isLetter(literal.charAt(1))) {
        keywords.add(literal.substring(1, literal.length() - 1));
      } else {
        String name = symbolName(type);
        if (!others.contains(name)) {
          others.add(name);
        }
      }
    }
    names.addAll(keywords);
    // Token classes (integer, string, ...) before punctuation ('(', ',', ...).
    others.stream().filter(n -> !n.startsWith("'")).forEach(names::add);
    others.stream().filter(n -> n.startsWith("'")).forEach(names::add);
    if (names.remove("end of input")) {
      names.add("end of input");
    }
    return names;
  }

  private static String symbolName(int type) {
    return switch (type) {
      case Token.EOF -> "end of input";
      case QuorumSqlLexer.IDENTIFIER -> "identifier";
      case QuorumSqlLexer.QUOTED_IDENTIFIER -> "quoted identifier";
      case QuorumSqlLexer.INTEGER_VALUE -> "integer";
      case QuorumSqlLexer.DECIMAL_VALUE, QuorumSqlLexer.DOUBLE_VALUE -> "number";
      case QuorumSqlLexer.STRING -> "string";
      case QuorumSqlLexer.BINARY_STRING -> "binary string";
      case QuorumSqlLexer.NEQ -> "'<>'";
      default -> {
        String literal = VOCABULARY.getLiteralName(type);
        yield literal != null ? literal : VOCABULARY.getSymbolicName(type);
      }
    };
  }

  private static boolean containsAll(IntervalSet set, IntervalSet subset) {
    return subset.subtract(set).isNil();
  }

  private static IntervalSet firstTokens(int rule) {
    ATN atn = QuorumSqlParser._ATN;
    return atn.nextTokens(atn.ruleToStartState[rule]);
  }

  private static String character(String text) {
    int codePoint = text.codePointAt(0);
    if (Character.isISOControl(codePoint)
        || Character.isWhitespace(codePoint)
        || Character.isSpaceChar(codePoint)) {
      return String.format("U+%04X", codePoint);
    }
    return "'" + text + "'";
  }

  private static String abbreviate(String text) {
    String escaped = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    return escaped.length() <= 40 ? escaped : escaped.substring(0, 37) + "...";
  }
}
