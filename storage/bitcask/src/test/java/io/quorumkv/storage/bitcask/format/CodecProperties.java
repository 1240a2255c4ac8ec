package io.quorumkv.storage.bitcask.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of the pure codecs, and that any single flipped bit is caught. */
class CodecProperties {

  @Property(tries = 300)
  void recordsRoundTrip(
      @ForAll @Size(max = 40) byte[] key,
      @ForAll @Size(max = 300) byte[] value,
      @ForAll boolean tombstone,
      @ForAll boolean batchEnd,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seq) {
    byte[] v = tombstone ? null : value;
    ByteBuffer buf =
        ByteBuffer.allocate((int) RecordCodec.encodedSize(key.length, v == null ? 0 : v.length));
    RecordCodec.encode(buf, seq, key, v, batchEnd);
    assertThat(buf.hasRemaining()).isFalse();
    RecordHeader h = RecordCodec.decodeHeader(buf, 0);
    assertThat(h).isNotNull();
    assertThat(h.seq()).isEqualTo(seq);
    assertThat(h.tombstone()).isEqualTo(tombstone);
    assertThat(h.batchEnd()).isEqualTo(batchEnd);
    assertThat(h.keyLength()).isEqualTo(key.length);
    assertThat(h.recordSize()).isEqualTo(buf.capacity());
    assertThat(RecordCodec.bodyMatches(h, buf, RecordCodec.HEADER_SIZE)).isTrue();
    // The array forms the read path uses agree with the buffer forms.
    byte[] arr = buf.array();
    assertThat(RecordCodec.decodeHeader(arr, 0, arr.length)).isEqualTo(h);
    assertThat(RecordCodec.bodyMatches(h, arr, RecordCodec.HEADER_SIZE)).isTrue();
    assertThat(RecordCodec.decodeHeader(arr, 0, arr.length - h.recordSize() + 24)).isNull();
  }

  @Property(tries = 300)
  void anyFlippedBitIsDetected(
      @ForAll @Size(min = 1, max = 20) byte[] key,
      @ForAll @Size(max = 100) byte[] value,
      @ForAll @IntRange(min = 0, max = 10_000) int bitSeed) {
    ByteBuffer buf = ByteBuffer.allocate((int) RecordCodec.encodedSize(key.length, value.length));
    RecordCodec.encode(buf, 42, key, value, true);
    int bit = bitSeed % (buf.capacity() * 8);
    buf.put(bit / 8, (byte) (buf.get(bit / 8) ^ (1 << (bit % 8))));
    RecordHeader h = RecordCodec.decodeHeader(buf, 0);
    boolean detected = h == null || !RecordCodec.bodyMatches(h, buf, RecordCodec.HEADER_SIZE);
    assertThat(detected).isTrue();
    byte[] arr = buf.array();
    RecordHeader ha = RecordCodec.decodeHeader(arr, 0, arr.length);
    assertThat(ha == null || !RecordCodec.bodyMatches(ha, arr, RecordCodec.HEADER_SIZE)).isTrue();
  }

  @Property(tries = 100)
  void hintsRoundTripAndDetectDamage(
      @ForAll @Size(max = 20) List<@Size(max = 12) byte[]> keys,
      @ForAll @IntRange(min = 0, max = 100_000) int flip) {
    List<HintEntry> entries = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < keys.size(); i++) {
      int size = RecordCodec.HEADER_SIZE + keys.get(i).length + i;
      entries.add(new HintEntry(i % 3 == 0, 1000 + i, offset, size, keys.get(i)));
      offset += size;
    }
    byte[] bytes = HintCodec.encode(7, offset, entries);
    HintCodec.Decoded d = HintCodec.decode(bytes);
    assertThat(d).isInstanceOf(HintCodec.Valid.class);
    HintCodec.Valid v = (HintCodec.Valid) d;
    assertThat(v.fileId()).isEqualTo(7);
    assertThat(v.dataSize()).isEqualTo(offset);
    assertThat(v.entries()).hasSize(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      HintEntry a = entries.get(i);
      HintEntry b = v.entries().get(i);
      assertThat(b.key()).isEqualTo(a.key());
      assertThat(b.tombstone()).isEqualTo(a.tombstone());
      assertThat(b.seq()).isEqualTo(a.seq());
      assertThat(b.offset()).isEqualTo(a.offset());
      assertThat(b.size()).isEqualTo(a.size());
    }
    int at = flip % bytes.length;
    bytes[at] ^= 0x01;
    assertThat(HintCodec.decode(bytes)).isInstanceOf(HintCodec.Invalid.class);
    assertThat(HintCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length / 2)))
        .isInstanceOf(HintCodec.Invalid.class);
  }

  @Property(tries = 100)
  void manifestsRoundTrip(@ForAll @Size(max = 50) List<@IntRange(min = 1) Integer> ids) {
    ManifestCodec.Manifest m = new ManifestCodec.Manifest(99, 1234, ids);
    assertThat(ManifestCodec.decode(ManifestCodec.encode(m))).isEqualTo(m);
  }
}
