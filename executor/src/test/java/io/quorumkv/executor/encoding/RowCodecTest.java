package io.quorumkv.executor.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.planner.schema.ColumnType;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowCodecTest {

  private static final List<ColumnType> TYPES =
      List.of(
          ColumnType.BOOLEAN,
          ColumnType.INTEGER,
          ColumnType.BIGINT,
          ColumnType.DOUBLE,
          ColumnType.decimal(12, 2),
          ColumnType.varchar(20),
          ColumnType.VARBINARY,
          ColumnType.TIMESTAMP);

  @Test
  void everyTypeRoundTrips() {
    Object[] row = {
      true,
      -7,
      Long.MIN_VALUE,
      -0.5,
      new BigDecimal("-12345.67"),
      "héllo",
      new byte[] {0, 1},
      1_700_000_000_123L
    };
    byte[] bytes = RowCodec.encode(3, TYPES, row);
    assertThat(RowCodec.schemaVersion(bytes)).isEqualTo(3);
    Object[] back = RowCodec.decode(TYPES, bytes);
    assertThat(back).usingRecursiveComparison().isEqualTo(row);
  }

  @Test
  void nullsRoundTrip() {
    Object[] row = new Object[TYPES.size()];
    row[2] = 5L;
    assertThat(RowCodec.decode(TYPES, RowCodec.encode(1, TYPES, row)))
        .containsExactly(null, null, 5L, null, null, null, null, null);
  }

  @Test
  void columnsAddedLaterReadAsNull() {
    byte[] old = RowCodec.encode(1, TYPES.subList(0, 3), new Object[] {false, 1, 2L});
    Object[] back = RowCodec.decode(TYPES, old);
    assertThat(Arrays.copyOf(back, 3)).containsExactly(false, 1, 2L);
    assertThat(Arrays.copyOfRange(back, 3, TYPES.size())).containsOnlyNulls();
  }

  @Test
  void garbageIsRejectedWithAClearError() {
    byte[] good = RowCodec.encode(1, TYPES, new Object[TYPES.size()]);
    Random rnd = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] junk = new byte[rnd.nextInt(40)];
      rnd.nextBytes(junk);
      try {
        RowCodec.decode(TYPES, junk);
      } catch (IllegalArgumentException expected) {
        assertThat(expected).hasMessageContaining("row");
      }
    }
    assertThatThrownBy(() -> RowCodec.decode(TYPES, Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RowCodec.decode(TYPES.subList(0, 2), good))
        .hasMessageContaining("columns");
  }
}
