package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.QueryException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Text outside ISO-8859-1 in literals, comparisons, LIKE, keys and stored values, and lengths
 * counted in characters (Unicode code points), as PostgreSQL counts them: an emoji is one character
 * although Java holds it as two UTF-16 units.
 */
class UnicodeTest extends SqlTestSupport {

  private static final String EMOJI = "\uD83D\uDE00"; // 😀, one code point, two UTF-16 units

  @BeforeEach
  void data() {
    run("CREATE TABLE t (id BIGINT PRIMARY KEY, txt VARCHAR(10), two VARCHAR(2))");
    run("INSERT INTO t VALUES (1, '日本', 'ü'), (2, 'Grüße', '" + EMOJI + EMOJI + "')");
    run("INSERT INTO t VALUES (?, ?, ?)", 3L, "naïve " + EMOJI, "日本");
  }

  private List<List<Object>> result(String sql, Object... params) {
    return rows(sql, params).rows().stream().map(Arrays::asList).toList();
  }

  @Test
  void literalsCompareAndComeBack() {
    assertThat(result("SELECT '日本', 'ü', '" + EMOJI + "'"))
        .containsExactly(List.of("日本", "ü", EMOJI));
    assertThat(result("SELECT id FROM t WHERE txt = '日本'")).containsExactly(List.of(1L));
    assertThat(result("SELECT id FROM t WHERE two = '日本'")).containsExactly(List.of(3L));
    assertThat(result("SELECT id FROM t WHERE txt <> '日本' ORDER BY id"))
        .containsExactly(List.of(2L), List.of(3L));
    assertThat(result("SELECT id FROM t WHERE txt IN ('Grüße', 'x')")).containsExactly(List.of(2L));
    assertThat(result("SELECT txt || '-' || two FROM t WHERE id = 1"))
        .containsExactly(List.of("日本-ü"));
    assertThat(result("SELECT UPPER(txt) FROM t WHERE id = 2")).containsExactly(List.of("GRÜSSE"));
  }

  @Test
  void likeMatchesCharacters() {
    assertThat(result("SELECT id FROM t WHERE txt LIKE '日%'")).containsExactly(List.of(1L));
    assertThat(result("SELECT id FROM t WHERE txt LIKE '日_'")).containsExactly(List.of(1L));
    // '_' is one character, also one outside the Basic Multilingual Plane.
    assertThat(result("SELECT id FROM t WHERE two LIKE '_" + EMOJI + "'"))
        .containsExactly(List.of(2L));
    assertThat(result("SELECT id FROM t WHERE txt LIKE '%ï%' ORDER BY id"))
        .containsExactly(List.of(3L));
  }

  @Test
  void storedValuesRoundTrip() {
    assertThat(stored("T"))
        .extracting(r -> r.subList(0, 3))
        .containsExactly(
            List.of(1L, "日本", "ü"),
            List.of(2L, "Grüße", EMOJI + EMOJI),
            List.of(3L, "naïve " + EMOJI, "日本"));
    run("UPDATE t SET txt = 'Ærø' WHERE id = 1");
    assertThat(result("SELECT txt FROM t WHERE id = 1")).containsExactly(List.of("Ærø"));
    // A parameter takes the type of the column it meets, VARCHAR(2): two emoji fit.
    assertThat(result("SELECT id FROM t WHERE two = ?", EMOJI + EMOJI))
        .containsExactly(List.of(2L));
    run("UPDATE t SET txt = ? WHERE id = ?", "ĳ" + EMOJI, 1L);
    assertThat(result("SELECT txt FROM t WHERE txt = ?", "ĳ" + EMOJI)).hasSize(1);
  }

  @Test
  void unicodeKeysArePointReadsAndScans() {
    run("CREATE TABLE k (name VARCHAR(4) PRIMARY KEY, n INTEGER)");
    run("INSERT INTO k VALUES ('日本', 1), ('" + EMOJI + "', 2), ('a', 3)");
    assertThat(result("SELECT n FROM k WHERE name = '日本'")).containsExactly(List.of(1));
    assertThat(result("SELECT n FROM k WHERE name = ?", EMOJI)).containsExactly(List.of(2));
    assertThat(result("SELECT name FROM k WHERE name > 'a' ORDER BY name"))
        .extracting(r -> r.get(0))
        .containsExactlyInAnyOrder("日本", EMOJI);
    assertThat(result("SELECT name FROM k ORDER BY name")).hasSize(3);
  }

  @Test
  void varcharLengthCountsCharacters() {
    run("INSERT INTO t (id, two) VALUES (4, '" + EMOJI + EMOJI + "')");
    run("INSERT INTO t (id, two) VALUES (?, ?)", 5L, EMOJI + "é");
    run("UPDATE t SET two = '" + EMOJI + "x' WHERE id = 1");
    QueryException literal = error("INSERT INTO t (id, two) VALUES (6, 'abc')");
    assertThat(literal.sqlState()).isEqualTo(QueryException.STRING_TOO_LONG);
    assertThat(literal.getMessage())
        .contains("column TWO: string of 3 characters is too long for VARCHAR(2)");
    QueryException emoji =
        error("INSERT INTO t (id, two) VALUES (6, '" + EMOJI + EMOJI + EMOJI + "')");
    assertThat(emoji.sqlState()).isEqualTo(QueryException.STRING_TOO_LONG);
    assertThat(emoji.getMessage()).contains("string of 3 characters");
    assertThat(error("INSERT INTO t (id, two) VALUES (?, ?)", 6L, "abc").sqlState())
        .isEqualTo(QueryException.STRING_TOO_LONG);
    assertThat(error("UPDATE t SET two = 'abc' WHERE id = 1").sqlState())
        .isEqualTo(QueryException.STRING_TOO_LONG);
    assertThat(error("INSERT INTO t (id, two) SELECT id + 10, txt FROM t WHERE id = 2").sqlState())
        .isEqualTo(QueryException.STRING_TOO_LONG);
    run("INSERT INTO t (id, two) SELECT id + 10, two FROM t WHERE id = 2");
    assertThat(result("SELECT two FROM t WHERE id = 12")).containsExactly(List.of(EMOJI + EMOJI));
  }

  @Test
  void charLengthAndCastCountCharacters() {
    assertThat(result("SELECT CHAR_LENGTH(two), LENGTH(txt) FROM t WHERE id = 2"))
        .containsExactly(List.of(2, 5));
    assertThat(result("SELECT CHAR_LENGTH('" + EMOJI + "')")).containsExactly(List.of(1));
    // An explicit cast truncates to n characters, never into half a character.
    assertThat(
            result(
                "SELECT CAST('"
                    + EMOJI
                    + EMOJI
                    + EMOJI
                    + "' AS VARCHAR(2)), CAST('日本語' AS VARCHAR(2)), CAST(12345 AS VARCHAR(3))"))
        .containsExactly(List.of(EMOJI + EMOJI, "日本", "123"));
    assertThat(result("SELECT CAST(two AS VARCHAR(1)) FROM t WHERE id = 2"))
        .containsExactly(List.of(EMOJI));
  }
}
