package io.quorumkv.jdbc;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * The update count of a conditional statement ({@code UPDATE ... IF}, {@code INSERT ... IF NOT
 * EXISTS}, {@code DELETE ... IF}): the server answers with one outcome row per key whose {@code
 * applied} column says whether the write happened; {@code executeUpdate} reports how many did (1 or
 * 0 for a single key).
 */
final class Applied {

  /** The outcome column of conditional statements. */
  static final String COLUMN = "applied";

  private Applied() {}

  /**
   * Counts the rows of {@code rs} whose {@code applied} column is true, and closes it.
   *
   * @throws SQLException if {@code rs} has no {@code applied} column: a query was run through
   *     {@code executeUpdate}
   */
  static long count(ResultSet rs) throws SQLException {
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      int column = 0;
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (md.getColumnLabel(i).equalsIgnoreCase(COLUMN)) {
          column = i;
          break;
        }
      }
      if (column == 0) {
        throw new SQLException(
            "executeUpdate ran a statement that returns rows; use executeQuery or execute",
            "HY000");
      }
      long applied = 0;
      while (rs.next()) {
        if (rs.getBoolean(column)) {
          applied++;
        }
      }
      return applied;
    }
  }
}
