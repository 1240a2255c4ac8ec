package io.quorumkv.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.parser.ast.AstPrinter;
import io.quorumkv.parser.ast.Statement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests: each {@code src/test/resources/cases/NAME.sql} script is parsed and every statement
 * is printed as canonical SQL plus a dump of its tree with positions; the result must equal {@code
 * NAME.ast}. Run with {@code -Dgolden.update=true} to rewrite the {@code .ast} files after an
 * intended change, then review the diff. Each canonical text must also parse back to the same tree.
 */
class GoldenTest {

  private static final Path CASES = Path.of("src", "test", "resources", "cases");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TestFactory
  Stream<DynamicTest> cases() throws IOException {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(CASES)) {
      scripts = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertThat(scripts).isNotEmpty();
    return scripts.stream()
        .map(
            script ->
                DynamicTest.dynamicTest(script.getFileName().toString(), () -> check(script)));
  }

  private static void check(Path script) throws IOException {
    String sql = Files.readString(script, StandardCharsets.UTF_8);
    List<Statement> statements = SqlParser.parseScript(sql);
    StringBuilder actual = new StringBuilder();
    for (Statement statement : statements) {
      String canonical = AstPrinter.print(statement);
      assertThat(AstTrees.normalize(SqlParser.parse(canonical)))
          .as("canonical text parses back to the same tree: %s", canonical)
          .isEqualTo(AstTrees.normalize(statement));
      if (actual.length() > 0) {
        actual.append('\n');
      }
      actual.append("-- ").append(canonical).append('\n').append(AstTrees.dump(statement));
    }
    String name = script.getFileName().toString();
    Path golden = script.resolveSibling(name.substring(0, name.length() - 4) + ".ast");
    if (UPDATE) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(golden).as("golden file (create it with -Dgolden.update=true)").exists();
    assertThat(actual.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
