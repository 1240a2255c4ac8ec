package io.quorumkv.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.parser.SqlParser;
import io.quorumkv.parser.ast.AstPrinter;
import io.quorumkv.parser.ast.Statement;
import io.quorumkv.planner.QueryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```sql} example of docs/sql.md runs, in the order of the page, against one engine:
 * statements with parameters are prepared (their types must be inferable), the others executed.
 */
class DocsExamplesExecuteTest extends SqlTestSupport {

  private static final Path DOC = Path.of("..", "docs", "sql.md");

  /**
   * Examples that show syntax over tables or columns the page never creates, and the DROP whose
   * table later examples still use.
   */
  private static final Set<String> NOT_RUNNABLE_PREFIXES =
      Set.of(
          "DROP TABLE IF EXISTS AUDIT_LOG",
          "UPSERT INTO ACCOUNTS SELECT * FROM ACCOUNTS_STAGING",
          "UPDATE ACCOUNTS SET OWNER = 'eve', VERSION");

  @Test
  void everyExampleRuns() throws IOException {
    List<String> failures = new ArrayList<>();
    for (String block : sqlBlocks()) {
      for (Statement s : SqlParser.parseScript(block)) {
        String sql = AstPrinter.print(s);
        if (NOT_RUNNABLE_PREFIXES.stream().anyMatch(sql::startsWith)) {
          continue;
        }
        try {
          PreparedSql p = session.prepare(sql);
          if (p.parameterCount() == 0) {
            p.execute();
          }
        } catch (QueryException e) {
          failures.add(sql + "\n    -> " + e.sqlState() + " " + e.getMessage());
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private static List<String> sqlBlocks() throws IOException {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (current == null && line.strip().equals("```sql")) {
        current = new StringBuilder();
      } else if (current != null && line.strip().equals("```")) {
        blocks.add(current.toString());
        current = null;
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return blocks;
  }
}
