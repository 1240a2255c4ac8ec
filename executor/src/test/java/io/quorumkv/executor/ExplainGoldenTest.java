package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden SQL to EXPLAIN cases: each statement's chosen plan, so a change of access path (a point
 * get becoming a scan, or the reverse) shows up as a diff. {@code -Dgolden.update=true} rewrites
 * the file from the current plans.
 */
class ExplainGoldenTest extends SqlTestSupport {

  private static final Path FILE = Path.of("src/test/resources/golden/explain.txt");

  private record Case(String sql, List<String> plan) {}

  @Test
  void plansMatchTheGoldenFile() throws IOException {
    run(
        "CREATE TABLE acct (region VARCHAR(8) NOT NULL, id BIGINT NOT NULL,"
            + " balance DECIMAL(12, 2), note VARCHAR, PRIMARY KEY (region, id))");
    run("CREATE TABLE region (code VARCHAR(8) PRIMARY KEY, name VARCHAR)");
    run("CREATE TABLE log (msg VARCHAR)");

    List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
    List<String> header = new ArrayList<>();
    List<Case> cases = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("#")) {
        header.add(line);
      } else if (line.startsWith("  ")) {
        cases.get(cases.size() - 1).plan().add(line.substring(2));
      } else if (!line.isBlank()) {
        cases.add(new Case(line, new ArrayList<>()));
      }
    }
    StringBuilder regenerated = new StringBuilder(String.join("\n", header)).append('\n');
    List<String> mismatches = new ArrayList<>();
    for (Case c : cases) {
      List<String> actual = new ArrayList<>();
      for (Object[] row : rows("EXPLAIN " + c.sql()).rows()) {
        actual.add((String) row[0]);
      }
      regenerated.append('\n').append(c.sql()).append('\n');
      actual.forEach(l -> regenerated.append("  ").append(l).append('\n'));
      if (!actual.equals(c.plan())) {
        mismatches.add(c.sql() + "\n  expected: " + c.plan() + "\n  actual:   " + actual);
      }
    }
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(FILE, regenerated.toString(), StandardCharsets.UTF_8);
      return;
    }
    assertThat(mismatches).as("plans differing from %s", FILE).isEmpty();
  }
}
