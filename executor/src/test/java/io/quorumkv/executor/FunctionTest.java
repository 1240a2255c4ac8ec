package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The functions of the one function table (SUBSTRING, POSITION, TRIM, REPLACE, ROUND, POWER) and
 * MOD and {@code ||}, with PostgreSQL's semantics, on both paths: each case runs as a query
 * (Calcite's generated code) and as a write (the write path's evaluation), which must agree.
 */
class FunctionTest extends SqlTestSupport {

  private static final String EMOJI = "\uD83D\uDE00";

  @BeforeEach
  void data() {
    run("CREATE TABLE r (id BIGINT PRIMARY KEY, s VARCHAR, i INTEGER, d DOUBLE, m DECIMAL(10, 2))");
    run("INSERT INTO r (id) VALUES (1)");
  }

  /** {@code expr} as a query and as the value written to {@code column}, both {@code expected}. */
  private void both(String column, String expr, Object expected) {
    Object queried = rows("SELECT " + expr).rows().get(0)[0];
    assertThat(queried).as("SELECT %s", expr).isEqualTo(expected);
    run("UPDATE r SET " + column + " = " + expr + " WHERE id = 1");
    Object written = rows("SELECT " + column + " FROM r WHERE id = 1").rows().get(0)[0];
    assertThat(written).as("UPDATE ... SET %s = %s", column, expr).isEqualTo(expected);
  }

  private void fails(String state, String column, String expr) {
    assertThat(error("SELECT " + expr).sqlState()).as("SELECT %s", expr).isEqualTo(state);
    assertThat(error("UPDATE r SET " + column + " = " + expr + " WHERE id = 1").sqlState())
        .as("UPDATE %s", expr)
        .isEqualTo(state);
  }

  @Test
  void substring() {
    both("s", "SUBSTRING('hello' FROM 2 FOR 3)", "ell");
    both("s", "SUBSTRING('hello', 2, 3)", "ell");
    both("s", "SUBSTRING('hello' FROM 3)", "llo");
    both("s", "SUBSTRING('hello' FROM 0 FOR 2)", "h");
    both("s", "SUBSTRING('hello' FROM -5 FOR 3)", "");
    both("s", "SUBSTRING('hello' FROM 9)", "");
    both("s", "SUBSTRING('日本" + EMOJI + "語' FROM 3 FOR 2)", EMOJI + "語");
    both("s", "SUBSTRING(NULL, 1, 2)", null);
    fails("22011", "s", "SUBSTRING('hello' FROM 1 FOR -1)");
  }

  @Test
  void position() {
    both("i", "POSITION('ll' IN 'hello')", 3);
    both("i", "POSITION('z' IN 'hello')", 0);
    both("i", "POSITION('' IN 'hello')", 1);
    both("i", "POSITION('語' IN '日本" + EMOJI + "語')", 4);
    both("i", "POSITION('a', 'banana')", 2);
  }

  @Test
  void trim() {
    both("s", "TRIM('  a b  ')", "a b");
    both("s", "TRIM(BOTH FROM '  a  ')", "a");
    both("s", "TRIM(LEADING FROM '  a  ')", "a  ");
    both("s", "TRIM(TRAILING 'xy' FROM 'xxaxyyx')", "xxa");
    both("s", "TRIM('x' FROM 'xxaxx')", "a");
    both("s", "LTRIM('xxa', 'x')", "a");
    both("s", "RTRIM('a  ')", "a");
    both("s", "BTRIM('" + EMOJI + "a" + EMOJI + "', '" + EMOJI + "')", "a");
  }

  @Test
  void replaceAndConcat() {
    both("s", "REPLACE('banana', 'an', 'AN')", "bANANa");
    both("s", "REPLACE('abc', '', 'x')", "abc");
    both("s", "REPLACE('abc', 'b', '')", "ac");
    both("s", "'a' || 1 || 'b'", "a1b");
    both("s", "'a' || NULL", null);
  }

  @Test
  void roundModPower() {
    // ROUND keeps the DECIMAL's scale, so the query and the column show the same digits.
    both("m", "ROUND(2.45)", new BigDecimal("2.00"));
    both("m", "ROUND(2.50)", new BigDecimal("3.00"));
    both("m", "ROUND(-2.50)", new BigDecimal("-3.00"));
    both("m", "ROUND(1.25, 1)", new BigDecimal("1.30"));
    both("m", "ROUND(1234.50, -2)", new BigDecimal("1200.00"));
    both("d", "ROUND(2.5E0)", 2.0);
    both("d", "ROUND(3.5E0)", 4.0);
    both("i", "ROUND(7)", 7);
    both("i", "MOD(7, 3)", 1);
    both("i", "MOD(-7, 3)", -1);
    both("m", "MOD(7.50, 2)", new BigDecimal("1.50"));
    both("d", "POWER(2, 10)", 1024.0);
    both("d", "POWER(2.0E0, -1)", 0.5);
    both("d", "POWER(-8, 3)", -512.0);
    fails(QueryException.DIVISION_BY_ZERO, "i", "MOD(7, 0)");
    fails("2201F", "d", "POWER(0, -1)");
    fails("2201F", "d", "POWER(-8, 0.5)");
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "d", "POWER(10, 400)");
  }

  @Test
  void absCaseAndLength() {
    both("i", "ABS(-7)", 7);
    both("m", "ABS(-2.50)", new BigDecimal("2.50"));
    both("d", "ABS(-1.5E0)", 1.5);
    fails(QueryException.NUMERIC_OUT_OF_RANGE, "i", "ABS(-2147483647 - 1)");
    both("s", "UPPER('straße')", "STRASSE");
    both("s", "LOWER('ÄB')", "äb");
    both("i", "CHAR_LENGTH('" + EMOJI + "ab')", 3);
    both("i", "LENGTH('')", 0);
    fails(QueryException.DATATYPE_MISMATCH, "i", "LENGTH(5)");
    fails(QueryException.UNDEFINED_FUNCTION, "s", "UPPER('a', 'b')");
  }

  @Test
  void parametersTakeTheParameterTypes() {
    assertThat(rows("SELECT SUBSTRING(?, ?, ?)", "hello", 2, 2).rows().get(0)[0]).isEqualTo("el");
    run("UPDATE r SET s = REPLACE(?, ?, ?) WHERE id = 1", "aXa", "X", "-");
    assertThat(rows("SELECT s FROM r WHERE id = 1").rows().get(0)[0]).isEqualTo("a-a");
    assertThat(rows("SELECT POWER(?, 2)", 3.0).rows().get(0)[0]).isEqualTo(9.0);
  }

  @Test
  void errors() {
    fails(QueryException.DATATYPE_MISMATCH, "s", "SUBSTRING(5, 1)");
    fails(QueryException.DATATYPE_MISMATCH, "s", "SUBSTRING('a', 'b')");
    fails(QueryException.UNDEFINED_FUNCTION, "s", "REPLACE('a', 'b')");
    fails(QueryException.UNDEFINED_FUNCTION, "d", "ROUND(1.5E0, 1)");
    fails(QueryException.DATATYPE_MISMATCH, "d", "POWER('a', 2)");
    QueryException syntax = error("SELECT SUBSTRING('a' FROM)");
    assertThat(syntax.sqlState()).isEqualTo(QueryException.SYNTAX_ERROR);
    assertThat(syntax.column()).isEqualTo(26);
    // The standard forms' words stay usable as names.
    run("CREATE TABLE names (position INTEGER PRIMARY KEY, trim VARCHAR, substring VARCHAR)");
    run("INSERT INTO names VALUES (1, ' x ', 'abc')");
    assertThat(rows("SELECT TRIM(trim), SUBSTRING(substring, position) FROM names").rows().get(0))
        .containsExactly("x", "abc");
  }
}
