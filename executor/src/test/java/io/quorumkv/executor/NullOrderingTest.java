package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where NULLs go in ORDER BY: by default as PostgreSQL puts them (NULL sorts as larger than every
 * value: last ascending, first descending), else where NULLS FIRST or NULLS LAST says, per key.
 */
class NullOrderingTest extends SqlTestSupport {

  @BeforeEach
  void data() {
    run("CREATE TABLE t (id BIGINT PRIMARY KEY, n INTEGER, s VARCHAR(5))");
    run("INSERT INTO t VALUES (1, 2, 'x'), (2, NULL, 'y'), (3, 1, NULL), (4, NULL, 'x')");
  }

  private List<Object> ids(String sql) {
    return rows(sql).rows().stream().map(r -> r[0]).toList();
  }

  @Test
  void defaultPlacesNullsAsTheLargest() {
    assertThat(ids("SELECT id FROM t ORDER BY n, id")).containsExactly(3L, 1L, 2L, 4L);
    assertThat(ids("SELECT id FROM t ORDER BY n DESC, id")).containsExactly(2L, 4L, 1L, 3L);
  }

  @Test
  void nullsFirstAndLast() {
    assertThat(ids("SELECT id FROM t ORDER BY n NULLS FIRST, id")).containsExactly(2L, 4L, 3L, 1L);
    assertThat(ids("SELECT id FROM t ORDER BY n ASC NULLS LAST, id"))
        .containsExactly(3L, 1L, 2L, 4L);
    assertThat(ids("SELECT id FROM t ORDER BY n DESC NULLS LAST, id"))
        .containsExactly(1L, 3L, 2L, 4L);
    assertThat(ids("SELECT id FROM t ORDER BY n DESC NULLS FIRST, id DESC"))
        .containsExactly(4L, 2L, 1L, 3L);
    // Per key, with LIMIT, and on a select item by alias and by position.
    assertThat(
            ids("SELECT id, s AS label FROM t ORDER BY label NULLS FIRST, n NULLS FIRST LIMIT 3"))
        .containsExactly(3L, 4L, 1L);
    assertThat(ids("SELECT id, n FROM t ORDER BY 2 DESC NULLS LAST, 1"))
        .containsExactly(1L, 3L, 2L, 4L);
  }

  @Test
  void theWordsRemainUsableAsNames() {
    run("CREATE TABLE w (first INTEGER PRIMARY KEY, last INTEGER, nulls INTEGER)");
    run("INSERT INTO w VALUES (1, NULL, 3), (2, 5, NULL)");
    assertThat(rows("SELECT first, last, nulls FROM w ORDER BY last NULLS FIRST").rows())
        .extracting(Arrays::asList)
        .containsExactly(Arrays.asList(1, null, 3), Arrays.asList(2, 5, null));
  }
}
