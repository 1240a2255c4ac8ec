package io.quorumkv.executor.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.planner.schema.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KeyEncoderProperties {

  private static int sign(int c) {
    return Integer.signum(c);
  }

  private static byte[] key(ColumnType t, Object v) {
    return KeyEncoder.encode(List.of(t), Arrays.asList(v));
  }

  @Property
  void bigintOrderIsByteOrder(@ForAll long a, @ForAll long b) {
    assertThat(sign(Arrays.compareUnsigned(key(ColumnType.BIGINT, a), key(ColumnType.BIGINT, b))))
        .isEqualTo(sign(Long.compare(a, b)));
  }

  @Property
  void integerOrderIsByteOrder(@ForAll int a, @ForAll int b) {
    assertThat(sign(Arrays.compareUnsigned(key(ColumnType.INTEGER, a), key(ColumnType.INTEGER, b))))
        .isEqualTo(sign(Integer.compare(a, b)));
  }

  @Property
  void doubleOrderIsByteOrder(@ForAll double a, @ForAll double b) {
    double na = a == 0.0 ? 0.0 : a;
    double nb = b == 0.0 ? 0.0 : b;
    assertThat(sign(Arrays.compareUnsigned(key(ColumnType.DOUBLE, a), key(ColumnType.DOUBLE, b))))
        .isEqualTo(sign(Double.compare(na, nb)));
  }

  @Property
  void decimalOrderIsByteOrder(@ForAll("decimals") BigDecimal a, @ForAll("decimals") BigDecimal b) {
    ColumnType t = ColumnType.decimal(38, 4);
    assertThat(sign(Arrays.compareUnsigned(key(t, a), key(t, b)))).isEqualTo(sign(a.compareTo(b)));
    assertThat(KeyEncoder.decode(List.of(t), key(t, a), 0)).containsExactly(a);
  }

  @Provide
  Arbitrary<BigDecimal> decimals() {
    return Arbitraries.bigIntegers()
        .between(BigInteger.TEN.pow(34).negate(), BigInteger.TEN.pow(34))
        .map(i -> new BigDecimal(i, 4));
  }

  @Property
  void stringOrderIsCodePointOrderAndRoundTrips(
      @ForAll("strings") String a, @ForAll("strings") String b) {
    ColumnType t = ColumnType.varchar(-1);
    int[] ca = a.codePoints().toArray();
    int[] cb = b.codePoints().toArray();
    int expected = sign(Arrays.compare(ca, cb));
    assertThat(sign(Arrays.compareUnsigned(key(t, a), key(t, b)))).isEqualTo(expected);
    assertThat(KeyEncoder.decode(List.of(t), key(t, a), 0)).containsExactly(a);
  }

  /** Strings UTF-8 can carry: no unpaired surrogates (SQL text has none). */
  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.strings()
        .filter(
            s -> s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
  }

  @Property
  void tuplesOrderLexicographicallyEvenWithZeroBytes(
      @ForAll byte[] a1, @ForAll long a2, @ForAll byte[] b1, @ForAll long b2) {
    List<ColumnType> ts = List.of(ColumnType.VARBINARY, ColumnType.BIGINT);
    byte[] ka = KeyEncoder.encode(ts, List.of(a1, a2));
    byte[] kb = KeyEncoder.encode(ts, List.of(b1, b2));
    int c = Arrays.compareUnsigned(a1, b1);
    int expected = c != 0 ? sign(c) : sign(Long.compare(a2, b2));
    assertThat(sign(Arrays.compareUnsigned(ka, kb))).isEqualTo(expected);
    List<Object> back = KeyEncoder.decode(ts, ka, 0);
    assertThat((byte[]) back.get(0)).isEqualTo(a1);
    assertThat(back.get(1)).isEqualTo(a2);
  }

  @Property
  void nullSortsFirstAndPrefixOfTupleIsPrefixOfKey(@ForAll long a, @ForAll("strings") String s) {
    List<ColumnType> ts = List.of(ColumnType.BIGINT, ColumnType.varchar(-1));
    byte[] full = KeyEncoder.encode(ts, List.of(a, s));
    byte[] prefix = KeyEncoder.encode(List.of(ColumnType.BIGINT), List.of(a));
    assertThat(Arrays.copyOf(full, prefix.length)).isEqualTo(prefix);
    byte[] nullKey = KeyEncoder.encode(List.of(ColumnType.BIGINT), Arrays.asList((Object) null));
    assertThat(Arrays.compareUnsigned(nullKey, prefix)).isNegative();
  }
}
