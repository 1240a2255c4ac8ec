package io.quorumkv.storage;

import java.util.regex.Pattern;

/** The rule for table names, shared by every engine so a name valid on one is valid on all. */
public final class TableNames {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private TableNames() {}

  /**
   * Returns {@code name} if it is a valid table name: 1 to 128 characters from {@code
   * [A-Za-z0-9_.-]}, and not {@code "."} or {@code ".."} (it may become a directory name).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String check(String name) {
    if (name == null || !VALID.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "invalid table name '" + name + "': use 1 to 128 characters from [A-Za-z0-9_.-]");
    }
    return name;
  }
}
