package io.quorumkv.server.sql;

import java.util.Locale;
import org.apache.calcite.avatica.Meta.StatementType;

/** What can be told of a statement from its first keyword, before or without planning it. */
final class SqlText {

  private SqlText() {}

  /** The first word of {@code sql} in upper case, skipping blanks and comments; "" if none. */
  static String firstKeyword(String sql) {
    if (sql == null) {
      return "";
    }
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  /** Whether running the statement changes nothing, so it may be run again. */
  static boolean isRead(String sql) {
    return switch (firstKeyword(sql)) {
      case "SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN" -> true;
      default -> false;
    };
  }

  /**
   * The statement's type for Avatica. A write that returns rows (a conditional write's outcome) is
   * {@code OTHER_DML}: Avatica turns the first value of an {@code INSERT}'s rows into an update
   * count, which would lose the {@code applied} row.
   */
  static StatementType statementType(String sql, boolean returnsRows) {
    String keyword = firstKeyword(sql);
    if (isRead(sql) || keyword.equals("CALL")) {
      return StatementType.SELECT;
    }
    if (returnsRows) {
      return StatementType.OTHER_DML;
    }
    return switch (keyword) {
      case "INSERT" -> StatementType.INSERT;
      case "UPSERT" -> StatementType.UPSERT;
      case "UPDATE" -> StatementType.UPDATE;
      case "DELETE" -> StatementType.DELETE;
      case "CREATE" -> StatementType.CREATE;
      case "DROP" -> StatementType.DROP;
      case "ALTER" -> StatementType.ALTER;
      default -> StatementType.OTHER_DDL;
    };
  }
}
