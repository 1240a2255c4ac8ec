package io.quorumkv.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Malformed input: each error names its line, column, offending token and what was expected. */
class SqlParseErrorTest {

  private static SqlParseException error(String sql) {
    SqlParseException e = catchThrowableOfType(SqlParseException.class, () -> SqlParser.parse(sql));
    assertThat(e).as("parsing %s should fail", sql).isNotNull();
    assertThat(e.getMessage()).startsWith("line " + e.line() + ":" + e.column() + ": ");
    return e;
  }

  @Test
  void misspelledKeyword() {
    SqlParseException e = error("SELECT * FORM t");
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.column()).isEqualTo(10);
    assertThat(e.offendingToken()).contains("FORM");
    assertThat(e.expected()).contains("FROM", "WHERE", "end of input");
    assertThat(e.getMessage())
        .isEqualTo(
            "line 1:10: syntax error at 'FORM', expected one of: EXCEPT, FROM, GROUP, HAVING, IF,"
                + " INTERSECT, LIMIT, OFFSET, ORDER, UNION, WHERE, ',', ';', end of input");
  }

  @Test
  void missingFromTarget() {
    SqlParseException e = error("SELECT a, b FROM");
    assertThat(e.getMessage())
        .isEqualTo("line 1:17: syntax error at end of input, expected one of: identifier, '('");
    assertThat(e.offendingToken()).isEmpty();
  }

  @Test
  void missingWhereCondition() {
    assertThat(error("SELECT * FROM t WHERE").getMessage())
        .isEqualTo("line 1:22: syntax error at end of input, expected expression");
  }

  @Test
  void updateWithoutSet() {
    assertThat(error("UPDATE t WHERE id = 1").getMessage())
        .isEqualTo("line 1:10: syntax error at 'WHERE', expected SET");
  }

  @Test
  void deleteWithoutFrom() {
    assertThat(error("DELETE t WHERE id = 1").getMessage())
        .isEqualTo("line 1:8: syntax error at 't', expected FROM");
  }

  @Test
  void ifWithoutCondition() {
    assertThat(error("UPDATE t SET a = 1 WHERE id = 1 IF").getMessage())
        // EXISTS also starts an expression (EXISTS (SELECT ...)), so "expression" covers IF EXISTS.
        .isEqualTo("line 1:35: syntax error at end of input, expected expression");
  }

  @Test
  void unbalancedParentheses() {
    SqlParseException open = error("SELECT * FROM t WHERE (a = 1");
    assertThat(open.column()).isEqualTo(29);
    assertThat(open.expected()).contains("')'", "AND", "OR");
    SqlParseException close = error("SELECT * FROM t WHERE a = 1)");
    assertThat(close.column()).isEqualTo(28);
    assertThat(close.offendingToken()).contains(")");
    assertThat(close.expected()).doesNotContain("')'").contains("end of input");
  }

  @Test
  void trailingGarbage() {
    // "garbage" is a table alias; "more" cannot follow it.
    SqlParseException e = error("SELECT * FROM t garbage more");
    assertThat(e.column()).isEqualTo(25);
    assertThat(e.offendingToken()).contains("more");
    SqlParseException afterWhere = error("DELETE FROM t WHERE id = 1 42");
    assertThat(afterWhere.column()).isEqualTo(28);
    assertThat(afterWhere.expected()).contains("IF", "end of input");
  }

  @Test
  void emptyInList() {
    assertThat(error("SELECT a FROM t WHERE a IN ()").getMessage())
        .isEqualTo("line 1:29: syntax error at ')', expected one of: expression, SELECT");
  }

  @Test
  void positionsCountLinesAndColumns() {
    SqlParseException e = error("SELECT\n  a,\n  b\nFROM t\nWHERE a = = 1");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.column()).isEqualTo(11);
    assertThat(e.offendingToken()).contains("=");
  }

  @Test
  void errorInALaterStatementOfAScript() {
    SqlParseException e =
        catchThrowableOfType(
            SqlParseException.class,
            () -> SqlParser.parseScript("SELECT 1;\nSELECT 2;\nSELEC 3;\nSELECT 4"));
    assertThat(e.getMessage()).startsWith("line 3:1: syntax error at 'SELEC', expected one of: ");
    assertThat(e.expected()).contains("SELECT", "UPDATE", "CREATE", "EXPLAIN");
  }

  @Test
  void malformedTokens() {
    assertThat(error("SELECT 'abc FROM t").getMessage())
        .isEqualTo("line 1:8: unterminated string literal");
    assertThat(error("SELECT 'it''s").reason()).isEqualTo("unterminated string literal");
    assertThat(error("SELECT \"abc FROM t").getMessage())
        .isEqualTo("line 1:8: unterminated quoted identifier");
    assertThat(error("SELECT 1 /* no end").getMessage())
        .isEqualTo("line 1:10: unterminated comment");
    assertThat(error("SELECT # FROM t").getMessage())
        .isEqualTo("line 1:8: unexpected character '#'");
    assertThat(error("SELECT\u00a01").getMessage())
        .isEqualTo("line 1:7: unexpected character U+00A0");
    assertThat(error("SELECT \"\" FROM t").getMessage())
        .isEqualTo("line 1:8: a quoted identifier cannot be empty");
  }

  @Test
  void outOfRangeNumbers() {
    assertThat(error("SELECT 9223372036854775808").getMessage())
        .isEqualTo(
            "line 1:8: integer 9223372036854775808 is out of range for BIGINT"
                + " (-9223372036854775808 to 9223372036854775807)");
    assertThat(error("SELECT 1 FROM t WHERE a = -9223372036854775809").column()).isEqualTo(28);
    assertThat(error("SELECT 1e999").getMessage())
        .isEqualTo("line 1:8: number 1e999 is out of range for DOUBLE");
    assertThat(error("SELECT -1e-999").reason())
        .isEqualTo("number -1e-999 is out of range for DOUBLE");
    assertThat(error("SELECT 1." + "0".repeat(40)).reason()).contains("does not fit DECIMAL(38)");
    assertThat(error("SELECT * FROM t LIMIT 99999999999999999999").reason())
        .contains("out of range for BIGINT");
    assertThat(error("SELECT * FROM t LIMIT -1").getMessage())
        .isEqualTo("line 1:23: syntax error at '-', expected one of: integer, '?'");
  }

  @Test
  void invalidLiterals() {
    assertThat(error("SELECT X'ABC'").getMessage())
        .isEqualTo("line 1:8: binary literal needs an even number of hexadecimal digits");
    assertThat(error("SELECT X'GG'").reason()).contains("not a hexadecimal digit: 'G'");
    assertThat(error("SELECT TIMESTAMP '2024-13-01'").getMessage())
        .isEqualTo(
            "line 1:18: invalid TIMESTAMP '2024-13-01': expected"
                + " 'yyyy-MM-dd[ HH:mm:ss[.fffffffff]]'");
    assertThat(error("SELECT TIMESTAMP '2023-02-29'").column()).isEqualTo(18);
  }

  @Test
  void invalidTypes() {
    assertThat(error("CREATE TABLE t (a FOO)").getMessage())
        .isEqualTo(
            "line 1:19: unknown type FOO; expected one of: BOOLEAN, INTEGER, BIGINT, DOUBLE,"
                + " DECIMAL, VARCHAR, VARBINARY, TIMESTAMP");
    assertThat(error("CREATE TABLE t (a DECIMAL(40, 2))").reason())
        .isEqualTo("DECIMAL precision must be between 1 and 38, not 40");
    assertThat(error("CREATE TABLE t (a DECIMAL(4, 5))").reason())
        .isEqualTo("DECIMAL scale 5 exceeds its precision 4");
    assertThat(error("CREATE TABLE t (a VARCHAR(0))").reason())
        .isEqualTo("VARCHAR length must be at least 1, not 0");
    assertThat(error("CREATE TABLE t (a INT(3))").reason())
        .isEqualTo("INTEGER takes no parameters");
    assertThat(error("SELECT CAST(a AS) FROM t").getMessage())
        .isEqualTo("line 1:17: syntax error at ')', expected identifier");
  }

  @Test
  void inconsistentTableDefinitions() {
    assertThat(error("CREATE TABLE t (a INT, a INT)").getMessage())
        .isEqualTo("line 1:24: column A is declared twice");
    assertThat(error("CREATE TABLE t (a INT, PRIMARY KEY (b))").getMessage())
        .isEqualTo("line 1:37: primary key column B is not a column of the table");
    assertThat(error("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))").getMessage())
        .isEqualTo("line 1:43: the primary key is declared twice (first at line 1:23)");
    assertThat(error("CREATE TABLE t (a INT, PRIMARY KEY (a, a))").column()).isEqualTo(40);
    assertThat(error("CREATE TABLE t (_version BIGINT)").getMessage())
        .isEqualTo("line 1:17: column name _VERSION is reserved for the row version");
    assertThat(error("CREATE TABLE t (a INT NULL NOT NULL)").column()).isEqualTo(28);
    assertThat(error("CREATE TABLE t (a INT) WITH (engine = 'btree')").getMessage())
        .isEqualTo(
            "line 1:39: unknown engine 'btree'; expected one of: 'bitcask', 'lsm', 'memory'");
    assertThat(error("CREATE TABLE t (a INT) WITH (replicas = 3)").getMessage())
        .isEqualTo("line 1:30: unknown table option REPLICAS; the only option is ENGINE");
    assertThat(error("CREATE TABLE t (PRIMARY KEY (a))").reason())
        .isEqualTo("a table needs at least one column");
    assertThat(error("ALTER TABLE t ADD COLUMN b INT PRIMARY KEY").getMessage())
        .isEqualTo("line 1:32: ALTER TABLE cannot add a primary key column");
  }

  @Test
  void invalidWrites() {
    assertThat(error("UPDATE t SET _version = 1 WHERE id = 1").getMessage())
        .isEqualTo("line 1:14: _VERSION is maintained by the store and cannot be written");
    assertThat(error("INSERT INTO t (id, _VERSION) VALUES (1, 2)").column()).isEqualTo(20);
    assertThat(error("UPDATE t SET a = 1, A = 2").getMessage())
        .isEqualTo("line 1:21: column A is assigned twice");
    assertThat(error("INSERT INTO t (a) VALUES (1, 2)").getMessage())
        .isEqualTo("line 1:26: this row has 2 values but 1 column is listed");
    assertThat(error("INSERT INTO t VALUES (1, 2), (3)").getMessage())
        .isEqualTo("line 1:30: this row has 1 value but the first row has 2");
    assertThat(error("UPSERT INTO t VALUES (1) IF NOT EXISTS").getMessage())
        .isEqualTo("line 1:26: UPSERT always writes; IF NOT EXISTS applies to INSERT only");
    assertThat(error("INSERT INTO t SELECT * FROM s IF NOT EXISTS").column()).isEqualTo(31);
    assertThat(error("SELECT sum(*) FROM t").getMessage())
        .isEqualTo("line 1:12: only COUNT takes * as its argument, not SUM");
  }

  @Test
  void conditionsOnlyWhereTheyBelong() {
    assertThat(error("SELECT * FROM (SELECT * FROM t WHERE id = 1 IF a = 1) s").column())
        .isEqualTo(45);
    assertThat(error("EXPLAIN EXPLAIN SELECT 1").column()).isEqualTo(9);
    assertThat(error("SELECT * FROM a JOIN b").getMessage())
        .isEqualTo("line 1:23: syntax error at end of input, expected one of: identifier, AS, ON");
  }

  @Test
  void caseErrorsPointAtTheToken() {
    // CASE and its words are reserved, so they are not read as aliases or columns.
    SqlParseException alias = error("SELECT a CASE WHEN b THEN 1 END FROM t");
    assertThat(alias.column()).isEqualTo(10);
    assertThat(alias.offendingToken()).contains("CASE");
    SqlParseException noThen = error("SELECT CASE WHEN a > 0 'x' END FROM t");
    assertThat(noThen.column()).isEqualTo(24);
    assertThat(noThen.expected()).contains("THEN");
    SqlParseException noEnd = error("SELECT CASE a WHEN 1 THEN 2 FROM t");
    assertThat(noEnd.column()).isEqualTo(29);
    assertThat(noEnd.expected()).contains("END", "ELSE", "WHEN");
    SqlParseException noWhen = error("SELECT CASE ELSE 1 END");
    assertThat(noWhen.column()).isEqualTo(13);
    assertThat(noWhen.expected()).contains("WHEN");
  }

  @Test
  void nullsNeedsFirstOrLast() {
    SqlParseException e = error("SELECT a FROM t ORDER BY a DESC NULLS LIMIT 1");
    assertThat(e.column()).isEqualTo(39);
    assertThat(e.expected()).containsExactlyInAnyOrder("FIRST", "LAST");
  }

  @Test
  void setOperationErrorsPointAtTheToken() {
    // UNION and its kin are reserved, so they are not read as aliases.
    SqlParseException dangling = error("SELECT a FROM t UNION");
    assertThat(dangling.column()).isEqualTo(22);
    assertThat(dangling.expected()).contains("SELECT", "'('");
    SqlParseException noSelect = error("SELECT a FROM t UNION ALL FROM u");
    assertThat(noSelect.column()).isEqualTo(27);
    assertThat(noSelect.offendingToken()).contains("FROM");
    SqlParseException limited = error("(SELECT a FROM t LIMIT 1) EXCEPT SELECT a FROM u");
    assertThat(limited.column()).isEqualTo(27);
    assertThat(limited.reason()).contains("right operand of EXCEPT");
    SqlParseException twice = error("(SELECT a FROM t ORDER BY a) ORDER BY a");
    assertThat(twice.column()).isEqualTo(30);
  }

  @Test
  void notExactlyOneStatement() {
    assertThat(error("").getMessage()).isEqualTo("line 1:1: empty statement, expected a statement");
    assertThat(error("  -- just a comment\n").line()).isEqualTo(2);
    assertThat(error("SELECT 1; SELECT 2").getMessage())
        .isEqualTo("line 1:11: more than one statement; use parseScript to run a script");
  }

  @Test
  void nestingLimit() {
    int depth = SqlParser.MAX_NESTING + 1;
    SqlParseException parens = error("SELECT " + "(".repeat(depth) + "1" + ")".repeat(depth));
    assertThat(parens.reason()).isEqualTo("too deeply nested: more than 200 levels of parentheses");
    assertThat(parens.column()).isEqualTo(8 + SqlParser.MAX_NESTING);
    SqlParseException nots = error("SELECT a FROM t WHERE " + "NOT ".repeat(depth) + "a");
    assertThat(nots.reason())
        .isEqualTo("too deeply nested: more than 200 levels of prefix operators");
  }
}
