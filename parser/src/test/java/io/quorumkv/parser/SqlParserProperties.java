package io.quorumkv.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.parser.ast.AstPrinter;
import io.quorumkv.parser.ast.Statement;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the parser: whatever the input, the only failure is a well-formed {@link
 * SqlParseException}; and printing any tree and parsing the text gives the tree back.
 */
class SqlParserProperties {

  private static final List<String> TOKENS =
      List.of(
          "SELECT",
          "FROM",
          "WHERE",
          "INSERT",
          "INTO",
          "VALUES",
          "UPDATE",
          "SET",
          "DELETE",
          "IF",
          "EXISTS",
          "NOT",
          "NULL",
          "AND",
          "OR",
          "IN",
          "BETWEEN",
          "LIKE",
          "IS",
          "CAST",
          "CASE",
          "WHEN",
          "THEN",
          "ELSE",
          "END",
          "AS",
          "CREATE",
          "TABLE",
          "PRIMARY",
          "KEY",
          "WITH",
          "JOIN",
          "LEFT",
          "ON",
          "GROUP",
          "BY",
          "ORDER",
          "NULLS",
          "FIRST",
          "LAST",
          "LIMIT",
          "OFFSET",
          "EXPLAIN",
          "UPSERT",
          "DROP",
          "ALTER",
          "ADD",
          "SHOW",
          "TABLES",
          "DESCRIBE",
          "TIMESTAMP",
          "_version",
          "t",
          "a",
          "\"Q\"",
          "(",
          ")",
          ",",
          ";",
          "*",
          "+",
          "-",
          "/",
          "%",
          "||",
          "=",
          "<>",
          "<",
          ">=",
          ".",
          "?",
          "1",
          "-1",
          "2.5",
          "1e3",
          "'s'",
          "X'00'",
          "'",
          "\"",
          "/*",
          "--",
          "#",
          "COUNT(*)",
          "VARCHAR(3)");

  /** Parses, and checks that any failure is a SqlParseException with a sane position and text. */
  private static void parseOrFailCleanly(String sql) {
    try {
      SqlParser.parseScript(sql);
    } catch (SqlParseException e) {
      assertThat(e.line()).isBetween(1, (int) sql.lines().count() + 1);
      assertThat(e.column()).isPositive();
      assertThat(e.getMessage())
          .startsWith("line " + e.line() + ":" + e.column() + ": ")
          .doesNotContain("<EOF>", "mismatched", "viable", "extraneous", "token recognition");
    }
  }

  @Property(tries = 500)
  void printableGarbageOnlyEverFailsWithSqlParseException(
      @ForAll @StringLength(max = 120) @CharRange(from = ' ', to = '~') @Chars({'\n', '\t'})
          String sql) {
    parseOrFailCleanly(sql);
  }

  @Property(tries = 500)
  void tokenSoupOnlyEverFailsWithSqlParseException(@ForAll("tokenSoup") String sql) {
    parseOrFailCleanly(sql);
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(TOKENS).list().ofMaxSize(25).map(tokens -> String.join(" ", tokens));
  }

  @Property(tries = 300)
  void damagedValidStatementsOnlyEverFailWithSqlParseException(
      @ForAll("statements") Statement statement,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll("damage") String damage,
      @ForAll @IntRange(min = 0, max = 3) int cut) {
    String sql = AstPrinter.print(statement);
    int at = where % (sql.length() + 1);
    String damaged =
        sql.substring(0, at) + damage + sql.substring(Math.min(sql.length(), at + cut));
    parseOrFailCleanly(damaged);
  }

  @Provide
  Arbitrary<String> damage() {
    return Arbitraries.oneOf(Arbitraries.of(TOKENS).map(t -> " " + t + " "), Arbitraries.just(""));
  }

  @Property(tries = 1000)
  void printedStatementsParseBackToTheSameTree(@ForAll("statements") Statement statement) {
    String sql = AstPrinter.print(statement);
    Statement reparsed = SqlParser.parse(sql);
    assertThat(AstTrees.normalize(reparsed)).as(sql).isEqualTo(AstTrees.normalize(statement));
    assertThat(AstPrinter.print(reparsed)).isEqualTo(sql);
  }

  @Property(tries = 200)
  void scriptsOfPrintedStatementsParseStatementByStatement(
      @ForAll("statementLists") List<Statement> statements) {
    StringBuilder script = new StringBuilder();
    for (Statement statement : statements) {
      script.append(AstPrinter.print(statement)).append(";\n-- next\n");
    }
    List<Statement> reparsed = SqlParser.parseScript(script.toString());
    assertThat(reparsed.stream().map(AstTrees::normalize).toList())
        .isEqualTo(statements.stream().map(AstTrees::normalize).toList());
  }

  @Provide
  Arbitrary<Statement> statements() {
    return AstArbitraries.statements();
  }

  @Provide
  Arbitrary<List<Statement>> statementLists() {
    return AstArbitraries.statements().list().ofMaxSize(4);
  }
}
