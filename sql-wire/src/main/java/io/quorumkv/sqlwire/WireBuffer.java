package io.quorumkv.sqlwire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array written big-endian; the compact encoding's output. Not thread-safe. */
final class WireBuffer {

  private byte[] bytes;
  private int size;

  WireBuffer(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }

  WireBuffer u8(int v) {
    ensure(1);
    bytes[size++] = (byte) v;
    return this;
  }

  WireBuffer bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  WireBuffer i32(int v) {
    ensure(4);
    bytes[size++] = (byte) (v >>> 24);
    bytes[size++] = (byte) (v >>> 16);
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) v;
    return this;
  }

  WireBuffer i64(long v) {
    return i32((int) (v >>> 32)).i32((int) v);
  }

  /** A string as its UTF-8 length (-1 for null) and bytes. */
  WireBuffer string(String s) {
    if (s == null) {
      return i32(-1);
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return bytes(utf8);
  }

  /** A byte array as its length and bytes. */
  WireBuffer bytes(byte[] b) {
    i32(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
    return this;
  }

  /** The current size, to {@link #reset} to or patch at. */
  int mark() {
    return size;
  }

  /** Forgets everything written since {@code mark}. */
  void reset(int mark) {
    size = mark;
  }

  /** Overwrites the four bytes at {@code at} (written earlier) with {@code v}. */
  void putI32At(int at, int v) {
    bytes[at] = (byte) (v >>> 24);
    bytes[at + 1] = (byte) (v >>> 16);
    bytes[at + 2] = (byte) (v >>> 8);
    bytes[at + 3] = (byte) v;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }
}
