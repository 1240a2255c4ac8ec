package io.quorumkv.planner.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {

  @Test
  void integersNarrowWithAnOverflowCheck() {
    assertThat(ColumnType.INTEGER.coerce(5L)).isEqualTo(5);
    assertThat(ColumnType.INTEGER.coerce(new BigDecimal("7"))).isEqualTo(7);
    assertThatThrownBy(() -> ColumnType.INTEGER.coerce(1L << 31))
        .isInstanceOf(ValueException.class)
        .hasMessage("value 2147483648 is out of range for INTEGER");
    assertThatThrownBy(() -> ColumnType.BIGINT.coerce(new BigDecimal("1.5")))
        .hasMessageContaining("not a valid BIGINT");
    assertThatThrownBy(() -> ColumnType.BIGINT.coerce(new BigDecimal("1e30")))
        .isInstanceOf(ValueException.class);
  }

  @Test
  void decimalsAreRoundedToTheScaleAndCheckedAgainstThePrecision() {
    ColumnType money = ColumnType.decimal(5, 2);
    assertThat(money.coerce(new BigDecimal("1.005"))).isEqualTo(new BigDecimal("1.01"));
    assertThat(money.coerce(3)).isEqualTo(new BigDecimal("3.00"));
    assertThat(money.coerce(new BigDecimal("999.99"))).isEqualTo(new BigDecimal("999.99"));
    assertThatThrownBy(() -> money.coerce(new BigDecimal("1000")))
        .hasMessage("value 1000 is out of range for DECIMAL(5, 2)");
    assertThatThrownBy(() -> ColumnType.decimal(39, 0)).hasMessageContaining("precision");
    assertThatThrownBy(() -> ColumnType.decimal(5, 6)).hasMessageContaining("scale");
  }

  @Test
  void stringsAreCheckedAgainstTheLengthInCharacters() {
    assertThat(ColumnType.varchar(3).coerce("añb")).isEqualTo("añb");
    assertThatThrownBy(() -> ColumnType.varchar(3).coerce("abcd"))
        .hasMessage("string of 4 characters is too long for VARCHAR(3)");
    assertThatThrownBy(() -> ColumnType.varchar(3).coerce(12))
        .hasMessage("cannot assign a value of type NUMERIC to a column of type VARCHAR(3)");
  }

  @Test
  void timestampsBecomeEpochMillis() {
    Timestamp ts = Timestamp.valueOf("2026-11-26 10:00:00.123");
    assertThat(ColumnType.TIMESTAMP.coerce(ts)).isEqualTo(ts.getTime());
    assertThat(ColumnType.TIMESTAMP.coerce("2026-11-26 10:00:00.123")).isEqualTo(ts.getTime());
    assertThatThrownBy(() -> ColumnType.TIMESTAMP.coerce("yesterday"))
        .hasMessageContaining("is not a TIMESTAMP");
  }

  @Test
  void wrongTypesAreNamed() {
    assertThatThrownBy(() -> ColumnType.BOOLEAN.coerce("true"))
        .hasMessage("cannot assign a value of type VARCHAR to a column of type BOOLEAN");
    assertThat(ColumnType.BOOLEAN.coerce(null)).isNull();
  }
}
