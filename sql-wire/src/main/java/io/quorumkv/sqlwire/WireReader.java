package io.quorumkv.sqlwire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link WireBuffer} wrote, checking every length against what is left, so a truncated
 * or garbled message fails with {@link MalformedMessageException} instead of an out-of-bounds error
 * or a huge allocation. Not thread-safe.
 */
final class WireReader {

  private final byte[] bytes;
  private int pos;

  WireReader(byte[] bytes, int pos) {
    this.bytes = bytes;
    this.pos = pos;
  }

  private void need(int n) throws MalformedMessageException {
    if (n < 0 || bytes.length - pos < n) {
      throw new MalformedMessageException(
          "truncated message: " + n + " more bytes needed at offset " + pos);
    }
  }

  int u8() throws MalformedMessageException {
    need(1);
    return bytes[pos++] & 0xff;
  }

  boolean bool() throws MalformedMessageException {
    int v = u8();
    if (v > 1) {
      throw new MalformedMessageException("bad boolean " + v + " at offset " + (pos - 1));
    }
    return v == 1;
  }

  int i32() throws MalformedMessageException {
    need(4);
    int v =
        (bytes[pos] & 0xff) << 24
            | (bytes[pos + 1] & 0xff) << 16
            | (bytes[pos + 2] & 0xff) << 8
            | (bytes[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long i64() throws MalformedMessageException {
    long high = i32();
    return high << 32 | (i32() & 0xffffffffL);
  }

  /** A count of items that each take at least {@code minBytes}, checked against what is left. */
  int count(int minBytes) throws MalformedMessageException {
    int n = i32();
    if (n < 0 || (long) n * minBytes > bytes.length - pos) {
      throw new MalformedMessageException("bad count " + n + " at offset " + (pos - 4));
    }
    return n;
  }

  String string() throws MalformedMessageException {
    int n = i32();
    if (n == -1) {
      return null;
    }
    need(n);
    String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  byte[] bytes() throws MalformedMessageException {
    int n = i32();
    need(n);
    byte[] b = Arrays.copyOfRange(bytes, pos, pos + n);
    pos += n;
    return b;
  }

  /** Fails unless every byte was read. */
  void end() throws MalformedMessageException {
    if (pos != bytes.length) {
      throw new MalformedMessageException(
          (bytes.length - pos) + " unexpected bytes after the message at offset " + pos);
    }
  }
}
