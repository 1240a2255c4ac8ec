package io.quorumkv.parser;

import io.quorumkv.parser.grammar.QuorumSqlLexer;
import java.util.List;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Rejects input nested deeper than {@link SqlParser#MAX_NESTING} before it is parsed: the parser,
 * the AST builder and every later phase recurse once per level, so {@code ((((...))))} or {@code
 * NOT NOT NOT ...} thousands deep would otherwise overflow the stack somewhere.
 */
final class NestingCheck {

  private NestingCheck() {}

  static void check(CommonTokenStream tokens) {
    int depth = 0;
    int prefixRun = 0;
    for (Token token : tokens.getTokens()) {
      if (token.getChannel() != Token.DEFAULT_CHANNEL) {
        continue;
      }
      int type = token.getType();
      if (type == QuorumSqlLexer.LPAREN) {
        depth++;
        if (depth > SqlParser.MAX_NESTING) {
          throw tooDeep(token, "parentheses");
        }
      } else if (type == QuorumSqlLexer.RPAREN) {
        depth = Math.max(0, depth - 1);
      }
      boolean prefix =
          type == QuorumSqlLexer.NOT || type == QuorumSqlLexer.MINUS || type == QuorumSqlLexer.PLUS;
      prefixRun = prefix ? prefixRun + 1 : 0;
      if (prefixRun > SqlParser.MAX_NESTING) {
        throw tooDeep(token, "prefix operators");
      }
    }
  }

  private static SqlParseException tooDeep(Token token, String what) {
    return new SqlParseException(
        token.getLine(),
        token.getCharPositionInLine() + 1,
        "too deeply nested: more than " + SqlParser.MAX_NESTING + " levels of " + what,
        token.getText(),
        List.of());
  }
}
