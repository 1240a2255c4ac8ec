package io.quorumkv.replication.paxos;

import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote. Every read checks bounds and throws {@link
 * MalformedDataException} on truncated or malformed input, never an unchecked index error.
 */
public final class ByteReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  /** Reads {@code buf[offset, offset + length)}. */
  public ByteReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("bad slice");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /** Reads all of {@code buf}. */
  public ByteReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** Bytes not yet read. */
  public int remaining() {
    return end - pos;
  }

  /** Reads one unsigned byte. */
  public int readByte() {
    if (pos >= end) {
      throw new MalformedDataException("truncated at " + pos);
    }
    return buf[pos++] & 0xff;
  }

  /** Reads an unsigned varint written by {@link ByteWriter#writeVarLong}. */
  public long readVarLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      if (shift == 63 && (b & 0xfe) != 0) {
        throw new MalformedDataException("varint overflow at " + pos);
      }
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new MalformedDataException("varint too long at " + pos);
  }

  /** Reads a varint that must fit in {@code [0, max]}. */
  public int readVarInt(int max) {
    long v = readVarLong();
    if (v < 0 || v > max) {
      throw new MalformedDataException("value " + v + " out of range [0," + max + "] at " + pos);
    }
    return (int) v;
  }

  /** Reads a length-prefixed byte string. */
  public Bytes readBytes() {
    int n = readVarInt(remaining());
    Bytes b = Bytes.wrap(Arrays.copyOfRange(buf, pos, pos + n));
    pos += n;
    return b;
  }

  /** Fails unless every byte has been read. */
  public void expectEnd() {
    if (pos != end) {
      throw new MalformedDataException((end - pos) + " trailing bytes");
    }
  }
}
