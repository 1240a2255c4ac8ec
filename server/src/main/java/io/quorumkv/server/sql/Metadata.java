package io.quorumkv.server.sql;

import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;

/**
 * The rows of {@link java.sql.DatabaseMetaData}'s result sets, from the catalog: one schema
 * ({@value SqlTypes#SCHEMA}), no catalogs, tables of type {@code TABLE}, their visible columns and
 * primary keys, and the dialect's types.
 */
final class Metadata {

  static final List<ColumnMetaData> PRIMARY_KEY_COLUMNS =
      List.of(
          MetaImpl.columnMetaData("TABLE_CAT", 0, String.class, true),
          MetaImpl.columnMetaData("TABLE_SCHEM", 1, String.class, true),
          MetaImpl.columnMetaData("TABLE_NAME", 2, String.class, false),
          MetaImpl.columnMetaData("COLUMN_NAME", 3, String.class, false),
          MetaImpl.columnMetaData("KEY_SEQ", 4, short.class, false),
          MetaImpl.columnMetaData("PK_NAME", 5, String.class, true));

  private Metadata() {}

  /** A JDBC metadata pattern ({@code %}, {@code _}, {@code \} escapes; null matches all). */
  static Pattern like(String pattern) {
    if (pattern == null) {
      return Pattern.compile(".*", Pattern.DOTALL);
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Whether a schema pattern admits our one schema. */
  static boolean schemaMatches(String schemaPattern) {
    return schemaPattern == null || like(schemaPattern).matcher(SqlTypes.SCHEMA).matches();
  }

  static List<TableDef> sorted(List<TableDef> tables) {
    List<TableDef> out = new ArrayList<>(tables);
    out.sort(Comparator.comparing(TableDef::name));
    return out;
  }

  /** The columns of a result set whose rows are instances of {@code clazz} (Avatica's POJOs). */
  static List<ColumnMetaData> columnsOf(Class<?> clazz) {
    List<ColumnMetaData> list = new ArrayList<>();
    for (Field field : clazz.getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        list.add(
            MetaImpl.columnMetaData(
                AvaticaUtils.camelToUpper(field.getName()),
                list.size(),
                field.getType(),
                !field.getType().isPrimitive()));
      }
    }
    return list;
  }

  /** The row of one of Avatica's metadata POJOs, in the order of {@link #columnsOf}. */
  static Object[] rowOf(Object pojo) {
    List<Object> values = new ArrayList<>();
    for (Field field : pojo.getClass().getFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        try {
          values.add(field.get(pojo));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + field, e);
        }
      }
    }
    return values.toArray();
  }

  static List<Object[]> tables(
      List<TableDef> tables, String schemaPattern, String tablePattern, List<String> types) {
    List<Object[]> rows = new ArrayList<>();
    if (!schemaMatches(schemaPattern) || (types != null && !types.contains("TABLE"))) {
      return rows;
    }
    Pattern name = like(tablePattern);
    for (TableDef t : sorted(tables)) {
      if (name.matcher(t.name()).matches()) {
        rows.add(rowOf(new MetaImpl.MetaTable(null, SqlTypes.SCHEMA, t.name(), "TABLE")));
      }
    }
    return rows;
  }

  static List<Object[]> columns(
      List<TableDef> tables, String schemaPattern, String tablePattern, String columnPattern) {
    List<Object[]> rows = new ArrayList<>();
    if (!schemaMatches(schemaPattern)) {
      return rows;
    }
    Pattern tableName = like(tablePattern);
    Pattern columnName = like(columnPattern);
    for (TableDef t : sorted(tables)) {
      if (!tableName.matcher(t.name()).matches()) {
        continue;
      }
      int ordinal = 0;
      for (ColumnDef c : t.columns()) {
        if (c.hidden()) {
          continue;
        }
        ordinal++;
        if (!columnName.matcher(c.name()).matches()) {
          continue;
        }
        ColumnType type = c.type();
        boolean textual =
            type.kind() == ColumnType.Kind.VARCHAR || type.kind() == ColumnType.Kind.VARBINARY;
        rows.add(
            rowOf(
                new MetaImpl.MetaColumn(
                    null,
                    SqlTypes.SCHEMA,
                    t.name(),
                    c.name(),
                    SqlTypes.jdbcType(type),
                    type.toString(),
                    SqlTypes.precision(type),
                    type.kind() == ColumnType.Kind.DECIMAL ? type.scale() : null,
                    SqlTypes.signed(type) ? 10 : null,
                    c.nullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                    textual && type.precision() > 0 ? type.precision() : null,
                    ordinal,
                    c.nullable() ? "YES" : "NO")));
      }
    }
    return rows;
  }

  static List<Object[]> typeInfo() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(type("BOOLEAN", Types.BOOLEAN, 1, null, null, false, true, null));
    rows.add(type("INTEGER", Types.INTEGER, 10, null, null, false, false, 10));
    rows.add(type("BIGINT", Types.BIGINT, 19, null, null, false, false, 10));
    rows.add(type("DOUBLE", Types.DOUBLE, 15, null, null, false, false, 2));
    rows.add(type("DECIMAL", Types.DECIMAL, 38, null, null, false, false, 10));
    rows.add(type("VARCHAR", Types.VARCHAR, Integer.MAX_VALUE, "'", "'", true, true, null));
    rows.add(type("VARBINARY", Types.VARBINARY, Integer.MAX_VALUE, "X'", "'", false, true, null));
    rows.add(type("TIMESTAMP", Types.TIMESTAMP, 23, "TIMESTAMP '", "'", false, true, null));
    rows.sort(Comparator.comparing((Object[] r) -> (Integer) r[1]));
    return rows;
  }

  private static Object[] type(
      String name,
      int jdbcType,
      int precision,
      String prefix,
      String suffix,
      boolean caseSensitive,
      boolean fixedScale,
      Integer radix) {
    boolean decimal = jdbcType == Types.DECIMAL;
    return rowOf(
        new MetaImpl.MetaTypeInfo(
            name,
            jdbcType,
            precision,
            prefix,
            suffix,
            (short) DatabaseMetaData.typeNullable,
            caseSensitive,
            (short) DatabaseMetaData.typeSearchable,
            radix == null,
            !decimal && fixedScale,
            false,
            (short) 0,
            (short) (decimal ? 38 : 0),
            radix == null ? 0 : radix));
  }
}
