package io.quorumkv.planner.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.rel.AccessPath;
import io.quorumkv.planner.rel.KeyCondition;
import io.quorumkv.planner.schema.ColumnDef;
import io.quorumkv.planner.schema.ColumnType;
import io.quorumkv.planner.schema.TableDef;
import io.quorumkv.planner.sql.SqlTypes;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class KeyConditionTranslatorTest {

  private final JavaTypeFactoryImpl types = new JavaTypeFactoryImpl(SqlTypes.TYPE_SYSTEM);
  private final RexBuilder rex = new RexBuilder(types);

  /** Columns: 0 REGION, 1 ID (key: REGION, ID), 2 V. */
  private final TableDef table =
      TableDef.create(
          7,
          "T",
          List.of(
              ColumnDef.of("REGION", ColumnType.varchar(8), false),
              ColumnDef.of("ID", ColumnType.BIGINT, false),
              ColumnDef.of("V", ColumnType.INTEGER, true)),
          List.of("REGION", "ID"),
          "memory");

  private RexNode col(int i) {
    RelDataType t =
        switch (i) {
          case 0 -> types.createSqlType(SqlTypeName.VARCHAR, 8);
          case 1 -> types.createSqlType(SqlTypeName.BIGINT);
          default ->
              types.createTypeWithNullability(types.createSqlType(SqlTypeName.INTEGER), true);
        };
    return rex.makeInputRef(t, i);
  }

  private RexNode eq(int c, RexNode v) {
    return rex.makeCall(SqlStdOperatorTable.EQUALS, col(c), v);
  }

  private RexNode str(String s) {
    return rex.makeLiteral(s, types.createSqlType(SqlTypeName.VARCHAR, 8), false);
  }

  private RexNode num(long n) {
    return rex.makeExactLiteral(BigDecimal.valueOf(n), types.createSqlType(SqlTypeName.BIGINT));
  }

  private RexNode and(RexNode... ops) {
    return rex.makeCall(SqlStdOperatorTable.AND, ops);
  }

  private KeyConditionTranslator.Split split(RexNode condition) {
    return KeyConditionTranslator.split(table, condition);
  }

  @Test
  void fullKeyEqualityIsAPointQueryAndIsConsumed() {
    var s = split(and(eq(1, num(5)), eq(0, str("eu")), eq(2, num(1))));
    assertThat(s.condition().path()).isEqualTo(AccessPath.PK_POINT_QUERY);
    assertThat(s.condition().keys().get(0)).containsExactly(str("eu"), num(5));
    assertThat(s.remaining()).containsExactly(eq(2, num(1)));
  }

  @Test
  void parametersCountAsConstants() {
    RexNode p = rex.makeDynamicParam(types.createSqlType(SqlTypeName.BIGINT), 0);
    var s = split(and(eq(0, str("eu")), eq(1, p)));
    assertThat(s.condition().path()).isEqualTo(AccessPath.PK_POINT_QUERY);
    assertThat(s.remaining()).isEmpty();
  }

  @Test
  void inListOnTheLastKeyColumnIsAMultiGet() {
    RexNode in = rex.makeCall(SqlStdOperatorTable.OR, eq(1, num(1)), eq(1, num(2)));
    var s = split(and(eq(0, str("eu")), in));
    assertThat(s.condition().path()).isEqualTo(AccessPath.PK_MULTI_GET);
    assertThat(s.condition().keys()).hasSize(2);
    assertThat(s.remaining()).isEmpty();
  }

  @Test
  void prefixAndBoundsAreARangeWithBoundsKeptAsFilters() {
    RexNode gt = rex.makeCall(SqlStdOperatorTable.GREATER_THAN, col(1), num(10));
    RexNode le = rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, num(20), col(1));
    var s = split(and(eq(0, str("eu")), gt, le));
    KeyCondition c = s.condition();
    assertThat(c.path()).isEqualTo(AccessPath.PK_RANGE_QUERY);
    assertThat(c.prefix()).containsExactly(str("eu"));
    assertThat(c.lower()).isEqualTo(num(10));
    assertThat(c.lowerInclusive()).isFalse();
    // 20 <= id bounds id from below too: the first lower bound wins, the other stays a filter.
    assertThat(c.upper()).isNull();
    assertThat(s.remaining()).containsExactly(gt, le);
    assertThat(split(eq(0, str("eu"))).condition().path()).isEqualTo(AccessPath.PK_RANGE_QUERY);
  }

  @Test
  void nonLeadingKeyColumnsOrDisjunctionsAreFullScans() {
    assertThat(split(eq(1, num(1))).condition().path()).isEqualTo(AccessPath.FULL_SCAN);
    assertThat(
            split(rex.makeCall(SqlStdOperatorTable.OR, eq(0, str("eu")), eq(1, num(1))))
                .condition()
                .path())
        .isEqualTo(AccessPath.FULL_SCAN);
    assertThat(split(eq(2, num(1))).remaining()).containsExactly(eq(2, num(1)));
    // A key column compared with another column is not a constant.
    assertThat(
            split(and(rex.makeCall(SqlStdOperatorTable.EQUALS, col(0), col(0)), eq(1, num(1))))
                .condition()
                .path())
        .isEqualTo(AccessPath.FULL_SCAN);
  }
}
