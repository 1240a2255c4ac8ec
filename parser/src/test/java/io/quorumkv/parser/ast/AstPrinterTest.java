package io.quorumkv.parser.ast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.parser.SqlParseException;
import io.quorumkv.parser.SqlParser;
import io.quorumkv.parser.grammar.QuorumSqlLexer;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.Vocabulary;
import org.junit.jupiter.api.Test;

class AstPrinterTest {

  private static final SourcePos P = new SourcePos(1, 1);

  private static Set<String> keywords() {
    Vocabulary vocabulary = QuorumSqlLexer.VOCABULARY;
    Set<String> keywords = new HashSet<>();
    for (int type = 1; type <= vocabulary.getMaxTokenType(); type++) {
      String literal = vocabulary.getLiteralName(type);
      if (literal != null && Character.isLetter(literal.charAt(1))) {
        keywords.add(literal.substring(1, literal.length() - 1));
      }
    }
    return keywords;
  }

  private static Optional<Identifier> aliasOf(String sql) {
    Select select = (Select) SqlParser.parse(sql);
    return ((SingleColumn) select.query().items().get(0)).alias();
  }

  @Test
  void reservedWordsAreExactlyTheKeywordsTheGrammarRejectsAsIdentifiers() {
    Set<String> rejected = new HashSet<>();
    for (String keyword : keywords()) {
      try {
        assertThat(aliasOf("SELECT 1 AS " + keyword).orElseThrow().value()).isEqualTo(keyword);
      } catch (SqlParseException e) {
        rejected.add(keyword);
      }
    }
    assertThat(AstPrinter.RESERVED).isEqualTo(rejected);
  }

  @Test
  void everyKeywordPrintsAsAnIdentifierThatReadsBack() {
    for (String keyword : keywords()) {
      String printed = AstPrinter.identifier(keyword);
      assertThat(aliasOf("SELECT 1 AS " + printed).orElseThrow().value()).isEqualTo(keyword);
    }
  }

  @Test
  void identifiersAreQuotedOnlyWhenNeeded() {
    assertThat(AstPrinter.identifier("BALANCE")).isEqualTo("BALANCE");
    assertThat(AstPrinter.identifier("_X1")).isEqualTo("_X1");
    assertThat(AstPrinter.identifier("Balance")).isEqualTo("\"Balance\"");
    assertThat(AstPrinter.identifier("1X")).isEqualTo("\"1X\"");
    assertThat(AstPrinter.identifier("SELECT")).isEqualTo("\"SELECT\"");
    assertThat(AstPrinter.identifier("KEY")).isEqualTo("KEY");
    assertThat(AstPrinter.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
  }

  @Test
  void literalsPrintInAFormThatKeepsTheirType() {
    assertThat(AstPrinter.print(new DecimalLiteral(P, new BigDecimal("1")))).isEqualTo("1.");
    assertThat(AstPrinter.print(new DecimalLiteral(P, new BigDecimal("-0.50")))).isEqualTo("-0.50");
    assertThat(AstPrinter.print(new DoubleLiteral(P, 1.5))).isEqualTo("1.5E0");
    assertThat(AstPrinter.print(new DoubleLiteral(P, 1e300))).isEqualTo("1.0E300");
    assertThat(AstPrinter.print(new IntegerLiteral(P, Long.MIN_VALUE)))
        .isEqualTo("-9223372036854775808");
    assertThat(AstPrinter.print(new StringLiteral(P, "it's"))).isEqualTo("'it''s'");
    assertThat(AstPrinter.print(new BinaryLiteral(P, new byte[] {0, (byte) 0xab})))
        .isEqualTo("X'00AB'");
  }

  @Test
  void negationNeverPrintsAsACommentOrAsANegativeLiteral() {
    Expression one = new IntegerLiteral(P, 1);
    Expression minusOne = new IntegerLiteral(P, -1);
    Expression x = new ColumnRef(P, Optional.empty(), new Identifier(P, "X"));
    assertThat(AstPrinter.print(new Unary(P, Unary.Operator.NEGATE, one))).isEqualTo("-(1)");
    assertThat(AstPrinter.print(new Unary(P, Unary.Operator.NEGATE, minusOne))).isEqualTo("-(-1)");
    assertThat(AstPrinter.print(new Unary(P, Unary.Operator.NEGATE, x))).isEqualTo("-X");
    assertThat(
            AstPrinter.print(
                new Unary(P, Unary.Operator.NEGATE, new Unary(P, Unary.Operator.NEGATE, x))))
        .isEqualTo("-(-X)");
    assertThat(AstPrinter.print(new Binary(P, Binary.Operator.SUBTRACT, x, minusOne)))
        .isEqualTo("X - -1");
  }

  @Test
  void parenthesesFollowPrecedenceAndLeftAssociativity() {
    Expression a = new ColumnRef(P, Optional.empty(), new Identifier(P, "A"));
    Expression b = new ColumnRef(P, Optional.empty(), new Identifier(P, "B"));
    Expression sum = new Binary(P, Binary.Operator.ADD, a, b);
    assertThat(AstPrinter.print(new Binary(P, Binary.Operator.MULTIPLY, sum, sum)))
        .isEqualTo("(A + B) * (A + B)");
    assertThat(AstPrinter.print(new Binary(P, Binary.Operator.SUBTRACT, a, sum)))
        .isEqualTo("A - (A + B)");
    assertThat(AstPrinter.print(new Binary(P, Binary.Operator.SUBTRACT, sum, a)))
        .isEqualTo("A + B - A");
    Expression eq = new Binary(P, Binary.Operator.EQUAL, a, b);
    assertThat(AstPrinter.print(new Binary(P, Binary.Operator.EQUAL, eq, eq)))
        .isEqualTo("(A = B) = (A = B)");
    assertThat(AstPrinter.print(new IsNull(P, eq, false))).isEqualTo("(A = B) IS NULL");
    assertThat(
            AstPrinter.print(
                new Binary(P, Binary.Operator.AND, new Binary(P, Binary.Operator.OR, a, b), a)))
        .isEqualTo("(A OR B) AND A");
  }

  @Test
  void nodesCheckTheirInvariants() {
    Identifier version = new Identifier(P, "_VERSION");
    assertThatThrownBy(() -> new ColumnRef(P, Optional.empty(), version))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Identifier(P, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Values(P, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SourcePos(0, 1)).isInstanceOf(IllegalArgumentException.class);
    Statement show = new ShowTables(P);
    assertThatThrownBy(() -> new Explain(P, new Explain(P, show)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
