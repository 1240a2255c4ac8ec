package io.quorumkv.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every {@code ```sql} block of docs/sql.md parses, so the documentation cannot drift. */
class DocsExamplesTest {

  private static final Path DOC = Path.of("..", "docs", "sql.md");

  @TestFactory
  Stream<DynamicTest> examplesParse() throws IOException {
    List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```sql")) {
        continue;
      }
      int start = i + 1;
      StringBuilder block = new StringBuilder();
      for (i = start; !lines.get(i).equals("```"); i++) {
        block.append(lines.get(i)).append('\n');
      }
      String sql = block.toString();
      tests.add(
          DynamicTest.dynamicTest(
              "docs/sql.md line " + start,
              () -> assertThat(SqlParser.parseScript(sql)).as(sql).isNotEmpty()));
    }
    assertThat(tests).hasSizeGreaterThan(15);
    return tests.stream();
  }
}
