package io.quorumkv.sqlwire;

/**
 * The SQL port's framing (see jdbc-driver/README.md). Two versions, told apart by the byte after
 * the length:
 *
 * <pre>
 *   u32 length (big-endian) | u8 version 1 | payload                    (serial)
 *   u32 length (big-endian) | u8 version 2 | u32 request id | payload   (multiplexed)
 * </pre>
 *
 * The payload is one Avatica {@code WireMessage} (protobuf) holding a request or a response. On a
 * serial connection the node answers one request after another, in order; on a multiplexed one it
 * runs requests concurrently and answers each, in any order, with its request's id. This driver
 * speaks version 2 only. A peer that receives a length outside {@code [1, MAX_FRAME_BYTES]}, an
 * unknown version or a payload that does not parse closes the connection.
 */
public final class Frames {

  /** One request at a time, answered in order (other Avatica clients; kept by the node). */
  public static final byte SERIAL = 1;

  /** Requests carry an id and are answered with it, in any order: what the driver speaks. */
  public static final byte MULTIPLEXED = 2;

  /** The largest frame (version byte plus payload) either side accepts: 64 MiB. */
  public static final int MAX_FRAME_BYTES = 64 << 20;

  /** Bytes of the length prefix. */
  public static final int LENGTH_BYTES = 4;

  /** Bytes of a multiplexed frame's request id. */
  public static final int REQUEST_ID_BYTES = 4;

  /** Bytes before the payload of a multiplexed frame. */
  public static final int MULTIPLEXED_HEADER_BYTES = LENGTH_BYTES + 1 + REQUEST_ID_BYTES;

  private Frames() {}
}
