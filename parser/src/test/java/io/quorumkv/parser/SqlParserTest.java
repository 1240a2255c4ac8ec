package io.quorumkv.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.parser.ast.AstPrinter;
import io.quorumkv.parser.ast.Binary;
import io.quorumkv.parser.ast.Case;
import io.quorumkv.parser.ast.ColumnRef;
import io.quorumkv.parser.ast.CreateTable;
import io.quorumkv.parser.ast.Exists;
import io.quorumkv.parser.ast.IfCondition;
import io.quorumkv.parser.ast.InSubquery;
import io.quorumkv.parser.ast.Insert;
import io.quorumkv.parser.ast.IntegerLiteral;
import io.quorumkv.parser.ast.Parameter;
import io.quorumkv.parser.ast.Query;
import io.quorumkv.parser.ast.ScalarSubquery;
import io.quorumkv.parser.ast.Select;
import io.quorumkv.parser.ast.SetOperation;
import io.quorumkv.parser.ast.SingleColumn;
import io.quorumkv.parser.ast.SourcePos;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.parser.ast.TableEngine;
import io.quorumkv.parser.ast.Update;
import io.quorumkv.parser.ast.Values;
import io.quorumkv.parser.ast.VersionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Behaviour of the parser beyond the golden files: the rules a reader might get wrong. */
class SqlParserTest {

  @Test
  void keywordsAreCaseInsensitiveAndUnquotedNamesAreFoldedToUpperCase() {
    Statement lower = SqlParser.parse("select balance from accounts where id = 1");
    Statement upper = SqlParser.parse("SELECT BALANCE FROM ACCOUNTS WHERE ID = 1");
    Statement mixed = SqlParser.parse("SeLeCt Balance FrOm Accounts WhErE iD = 1");
    assertThat(lower).isEqualTo(upper).isEqualTo(mixed);
  }

  @Test
  void quotedIdentifiersKeepTheirCase() {
    Select select = (Select) SqlParser.parse("SELECT \"Balance\", \"BALANCE\", balance FROM t");
    List<String> names =
        select.query().items().stream()
            .map(i -> ((ColumnRef) ((SingleColumn) i).expression()).column().value())
            .toList();
    assertThat(names).containsExactly("Balance", "BALANCE", "BALANCE");
  }

  @Test
  void parametersAreNumberedInSourceOrderPerStatement() {
    List<Statement> script =
        SqlParser.parseScript(
            "UPDATE t SET a = ?, b = ? WHERE id = ? IF c = ?; INSERT INTO t VALUES (?, ?)");
    Update update = (Update) script.get(0);
    assertThat(((Parameter) update.assignments().get(0).value()).index()).isEqualTo(1);
    assertThat(((Parameter) update.assignments().get(1).value()).index()).isEqualTo(2);
    assertThat(((Parameter) ((Binary) update.where().orElseThrow()).right()).index()).isEqualTo(3);
    IfCondition condition = (IfCondition) update.condition().orElseThrow();
    assertThat(((Parameter) ((Binary) condition.condition()).right()).index()).isEqualTo(4);
    Values values = (Values) ((Insert) script.get(1)).source();
    assertThat(values.rows().get(0)).extracting(p -> ((Parameter) p).index()).containsExactly(1, 2);
  }

  @Test
  void positionsAreOneBasedLinesAndColumns() {
    Select select = (Select) SqlParser.parse("SELECT a\n  FROM t\n WHERE  id = 42");
    assertThat(select.pos()).isEqualTo(new SourcePos(1, 1));
    assertThat(select.query().items().get(0).pos()).isEqualTo(new SourcePos(1, 8));
    assertThat(select.query().from().orElseThrow().pos()).isEqualTo(new SourcePos(2, 8));
    Binary where = (Binary) select.query().where().orElseThrow();
    assertThat(where.pos()).as("operator position").isEqualTo(new SourcePos(3, 12));
    assertThat(where.left().pos()).isEqualTo(new SourcePos(3, 9));
    assertThat(where.right().pos()).isEqualTo(new SourcePos(3, 14));
  }

  @Test
  void versionPseudoColumnIsRecognizedQualifiedOrNot() {
    Select select = (Select) SqlParser.parse("SELECT _version, t._VERSION, \"_VERSION\" FROM t");
    assertThat(select.query().items())
        .allSatisfy(
            i -> assertThat(((SingleColumn) i).expression()).isInstanceOf(VersionRef.class));
  }

  @Test
  void aMinusBeforeANumberIsPartOfTheLiteral() {
    Select select = (Select) SqlParser.parse("SELECT -9223372036854775808, - 5, -(5)");
    List<String> printed =
        select.query().items().stream()
            .map(i -> AstPrinter.print(((SingleColumn) i).expression()))
            .toList();
    assertThat(printed).containsExactly("-9223372036854775808", "-5", "-(5)");
    assertThat(((SingleColumn) select.query().items().get(0)).expression())
        .isEqualTo(new IntegerLiteral(new SourcePos(1, 8), Long.MIN_VALUE));
  }

  @Test
  void inlinePrimaryKeyAndEngineOption() {
    CreateTable create =
        (CreateTable)
            SqlParser.parse("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH (engine='LSM')");
    assertThat(create.primaryKey()).extracting(k -> k.value()).containsExactly("ID");
    assertThat(create.engine()).contains(TableEngine.LSM);
    CreateTable keyless = (CreateTable) SqlParser.parse("CREATE TABLE log (line VARCHAR)");
    assertThat(keyless.primaryKey()).isEmpty();
    assertThat(keyless.engine()).isEmpty();
  }

  @Test
  void scriptsIgnoreEmptyStatementsAndComments() {
    assertThat(SqlParser.parseScript("")).isEmpty();
    assertThat(SqlParser.parseScript(" ;; -- nothing\n /* at all */ ;")).isEmpty();
    assertThat(SqlParser.parseScript(";SELECT 1;;SELECT 2;")).hasSize(2);
    assertThat(SqlParser.parse("SELECT 1;")).isInstanceOf(Select.class);
  }

  @Test
  void commentsMayAppearAnywhereBetweenTokens() {
    Statement plain = SqlParser.parse("SELECT a FROM t WHERE b = 1");
    Statement commented =
        SqlParser.parse("SELECT/**/a -- x\nFROM/* multi\nline */t WHERE b=/*y*/1--end");
    assertThat(AstPrinter.print(commented)).isEqualTo(AstPrinter.print(plain));
  }

  @Test
  void stringsMayContainQuotesCommentMarkersAndLineBreaks() {
    Select select = (Select) SqlParser.parse("SELECT 'it''s -- not /* a */ comment\n'");
    assertThat(AstPrinter.print(((SingleColumn) select.query().items().get(0)).expression()))
        .isEqualTo("'it''s -- not /* a */ comment\n'");
  }

  @Test
  void deepButReasonableNestingParses() {
    String sql =
        "SELECT " + "(".repeat(SqlParser.MAX_NESTING) + "1" + ")".repeat(SqlParser.MAX_NESTING);
    assertThat(SqlParser.parse(sql)).isInstanceOf(Select.class);
    String nots = "SELECT a FROM t WHERE " + "NOT ".repeat(SqlParser.MAX_NESTING) + "a";
    assertThat(SqlParser.parse(nots)).isInstanceOf(Select.class);
  }

  @Test
  void longFlatChainsParse() {
    String ors = "SELECT a FROM t WHERE " + "a = 1 OR ".repeat(5000) + "a = 2";
    assertThat(SqlParser.parse(ors)).isInstanceOf(Select.class);
    String sum = "SELECT " + "a + ".repeat(5000) + "1 FROM t";
    assertThat(SqlParser.parse(sum)).isInstanceOf(Select.class);
  }

  @Test
  void concurrentParsesAgreeWithSequentialOnes() throws Exception {
    List<String> sqls =
        List.of(
            "SELECT a, COUNT(*) FROM t JOIN u ON t.id = u.id WHERE x IN (1, 2) GROUP BY a",
            "UPDATE acct SET balance = balance - 1 WHERE id = ? IF balance > 0",
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y') IF NOT EXISTS",
            "CREATE TABLE t (a INT, b VARCHAR(3), PRIMARY KEY (a)) WITH (engine = 'lsm')",
            "SELECT * FROM t WHERE id = ? IF _version > ?");
    List<Statement> expected = sqls.stream().map(SqlParser::parse).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Statement>>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        results.add(pool.submit(() -> sqls.stream().map(SqlParser::parse).toList()));
      }
      for (Future<List<Statement>> result : results) {
        assertThat(result.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void caseSearchedAndSimple() {
    Select searched =
        (Select) SqlParser.parse("SELECT CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' END FROM t");
    Case c = (Case) ((SingleColumn) searched.query().items().get(0)).expression();
    assertThat(c.pos()).isEqualTo(new SourcePos(1, 8));
    assertThat(c.operand()).isEmpty();
    assertThat(c.whens()).hasSize(2);
    assertThat(c.whens().get(1).pos()).isEqualTo(new SourcePos(1, 33));
    assertThat(c.otherwise()).isEmpty();
    Select simple = (Select) SqlParser.parse("select case a when 1 then ? else ? end + 1 from t");
    Binary plus = (Binary) ((SingleColumn) simple.query().items().get(0)).expression();
    Case s = (Case) plus.left();
    assertThat(s.operand()).containsInstanceOf(ColumnRef.class);
    assertThat(((Parameter) s.whens().get(0).result()).index()).isEqualTo(1);
    assertThat(((Parameter) s.otherwise().orElseThrow()).index()).isEqualTo(2);
    assertThat(AstPrinter.print(simple))
        .isEqualTo("SELECT CASE A WHEN 1 THEN ? ELSE ? END + 1 FROM T");
  }

  @Test
  void setOperationsApplyLeftToRightWithIntersectFirst() {
    Query q =
        ((Select) SqlParser.parse("SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 ORDER BY 1"))
            .query();
    assertThat(q.setOperations()).hasSize(1);
    SetOperation union = q.setOperations().get(0);
    assertThat(union.kind()).isEqualTo(SetOperation.Kind.UNION);
    assertThat(union.all()).isTrue();
    assertThat(union.pos()).isEqualTo(new SourcePos(1, 10));
    assertThat(union.query().setOperations())
        .extracting(SetOperation::kind)
        .containsExactly(SetOperation.Kind.INTERSECT);
    assertThat(q.orderBy()).hasSize(1);
    assertThat(union.query().orderBy()).isEmpty();
    // Parentheses group; the printed form reads back as the same tree.
    Statement grouped = SqlParser.parse("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    Query g = ((Select) grouped).query();
    assertThat(g.setOperations())
        .extracting(SetOperation::kind)
        .containsExactly(SetOperation.Kind.UNION, SetOperation.Kind.INTERSECT);
    String printed = AstPrinter.print(grouped);
    assertThat(printed).isEqualTo("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    assertThat(AstTrees.normalize(SqlParser.parse(printed))).isEqualTo(AstTrees.normalize(grouped));
  }

  @Test
  void subqueriesInExpressionsRoundTrip() {
    Select in = (Select) SqlParser.parse("SELECT a FROM t WHERE a NOT IN (SELECT b FROM u)");
    InSubquery notIn = (InSubquery) in.query().where().orElseThrow();
    assertThat(notIn.negated()).isTrue();
    assertThat(notIn.pos()).isEqualTo(new SourcePos(1, 25));
    for (String sql :
        List.of(
            "SELECT A FROM T WHERE A NOT IN (SELECT B FROM U)",
            "SELECT A FROM T WHERE EXISTS (SELECT 1 FROM U WHERE B > 0) AND NOT EXISTS (SELECT 2)",
            "SELECT (SELECT MAX(B) FROM U) + 1, A IN (SELECT 1 UNION SELECT 2) FROM T",
            "SELECT A FROM T WHERE A = (SELECT B FROM U ORDER BY B LIMIT 1)")) {
      Statement parsed = SqlParser.parse(sql);
      assertThat(AstPrinter.print(parsed)).isEqualTo(sql);
    }
    Select scalar = (Select) SqlParser.parse("SELECT ((SELECT 1))");
    assertThat(((SingleColumn) scalar.query().items().get(0)).expression())
        .isInstanceOf(ScalarSubquery.class);
    assertThat(((Select) SqlParser.parse("SELECT EXISTS (SELECT 1)")).query().items().get(0))
        .extracting(i -> ((SingleColumn) i).expression())
        .isInstanceOf(Exists.class);
  }
}
