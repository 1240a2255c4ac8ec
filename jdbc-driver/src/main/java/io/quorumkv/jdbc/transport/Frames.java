package io.quorumkv.jdbc.transport;

/**
 * The SQL port's framing, the same in both directions (see jdbc-driver/README.md):
 *
 * <pre>
 *   u32 length (big-endian) | u8 version | payload (length - 1 bytes)
 * </pre>
 *
 * The payload is one Avatica {@code WireMessage} (protobuf) holding a request or a response. A peer
 * that receives a length outside {@code [1, MAX_FRAME_BYTES]}, an unknown version or a payload that
 * does not parse closes the connection.
 */
public final class Frames {

  /** The only version of the framing so far. */
  public static final byte VERSION = 1;

  /** The largest frame (version byte plus payload) either side accepts: 64 MiB. */
  public static final int MAX_FRAME_BYTES = 64 << 20;

  /** Bytes of the length prefix. */
  public static final int LENGTH_BYTES = 4;

  private Frames() {}
}
