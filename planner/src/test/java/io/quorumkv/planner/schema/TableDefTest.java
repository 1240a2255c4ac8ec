package io.quorumkv.planner.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TableDefTest {

  private static final List<ColumnDef> ACCT =
      List.of(
          ColumnDef.of("ID", ColumnType.BIGINT, true),
          ColumnDef.of("OWNER", ColumnType.varchar(40), true),
          ColumnDef.of("BALANCE", ColumnType.decimal(12, 2), false));

  @Test
  void keyColumnsBecomeNotNull() {
    TableDef t = TableDef.create(7, "ACCT", ACCT, List.of("ID"), "bitcask");
    assertThat(t.primaryKey()).containsExactly(0);
    assertThat(t.columns().get(0).nullable()).isFalse();
    assertThat(t.keyTypes()).containsExactly(ColumnType.BIGINT);
    assertThat(t.hasHiddenKey()).isFalse();
  }

  @Test
  void aTableWithoutKeyGetsAHiddenRowId() {
    TableDef t = TableDef.create(1, "LOG", ACCT, List.of(), "lsm");
    assertThat(t.columns().get(0).name()).isEqualTo(TableDef.ROW_ID);
    assertThat(t.columns().get(0).hidden()).isTrue();
    assertThat(t.primaryKey()).containsExactly(0);
    assertThat(t.hasHiddenKey()).isTrue();
    assertThat(t.columnIndex("OWNER")).isEqualTo(2);
  }

  @Test
  void schemaErrorsAreClear() {
    assertThatThrownBy(() -> TableDef.create(1, "T", ACCT, List.of("NOPE"), "lsm"))
        .hasMessage("primary key column NOPE is not a column of table T");
    assertThatThrownBy(() -> TableDef.create(1, "T", ACCT, List.of("ID"), "innodb"))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("unknown engine 'innodb'");
    List<ColumnDef> twice = List.of(ACCT.get(0), ACCT.get(0));
    assertThatThrownBy(() -> TableDef.create(1, "T", twice, List.of("ID"), "lsm"))
        .hasMessage("column ID is declared twice in table T");
  }

  @Test
  void addedColumnsGoLastBumpTheVersionAndMustBeNullable() {
    TableDef t = TableDef.create(7, "ACCT", ACCT, List.of("ID"), "bitcask");
    TableDef t2 = t.withColumn(ColumnDef.of("NOTE", ColumnType.varchar(-1), true));
    assertThat(t2.schemaVersion()).isEqualTo(2);
    assertThat(t2.columns()).hasSize(4);
    assertThatThrownBy(() -> t.withColumn(ColumnDef.of("X", ColumnType.INTEGER, false)))
        .hasMessageContaining("must allow NULL");
    assertThatThrownBy(() -> t.withColumn(ColumnDef.of("OWNER", ColumnType.INTEGER, true)))
        .hasMessage("table ACCT already has a column OWNER");
  }

  @Test
  void codecRoundTripsAndRejectsGarbage() {
    TableDef t =
        TableDef.create(9, "acct", ACCT, List.of("OWNER", "ID"), "memory")
            .withColumn(ColumnDef.of("TS", ColumnType.TIMESTAMP, true));
    byte[] bytes = TableDefCodec.encode(t);
    assertThat(TableDefCodec.decode(bytes)).isEqualTo(t);
    Random rnd = new Random(1);
    for (int i = 0; i < 1_000; i++) {
      byte[] junk = Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
      if (junk.length > 0) {
        junk[rnd.nextInt(junk.length)] ^= (byte) (1 + rnd.nextInt(255));
      }
      try {
        TableDefCodec.decode(junk);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
