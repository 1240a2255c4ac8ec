package io.quorumkv.replication.paxos;

import java.util.Arrays;

/** A growable byte buffer with unsigned LEB128 varints, used by the codecs. Not thread-safe. */
public final class ByteWriter {
  private byte[] buf;
  private int size;

  /** A writer with a small initial capacity. */
  public ByteWriter() {
    this(64);
  }

  /** A writer with {@code capacity} bytes preallocated. */
  public ByteWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }
  }

  /** Appends one byte. */
  public ByteWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** Appends {@code v} as an unsigned varint (1 to 10 bytes). */
  public ByteWriter writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  /** Appends {@code bytes} as they are (no length). */
  public ByteWriter writeRaw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
    return this;
  }

  /** Appends a length-prefixed byte string. */
  public ByteWriter writeBytes(Bytes b) {
    byte[] a = b.unsafeArray();
    writeVarLong(a.length);
    ensure(a.length);
    System.arraycopy(a, 0, buf, size, a.length);
    size += a.length;
    return this;
  }

  /** The number of bytes written. */
  public int size() {
    return size;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
