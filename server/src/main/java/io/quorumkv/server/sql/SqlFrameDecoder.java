package io.quorumkv.server.sql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.quorumkv.sqlwire.Frames;

/**
 * Splits the SQL port's byte stream into frames (see jdbc-driver/README.md):
 *
 * <pre>
 *   u32 length | u8 version 1 | payload                    (serial)
 *   u32 length | u8 version 2 | u32 request id | payload   (multiplexed)
 * </pre>
 *
 * and yields each as a {@link SqlFrame} (the payload is one Avatica protobuf request). A frame
 * longer than the maximum, of length 0, too short for its header or of another version raises a
 * {@link io.netty.handler.codec.DecoderException}; {@link SqlServerHandler} then closes this
 * connection only. One instance per channel.
 */
final class SqlFrameDecoder extends LengthFieldBasedFrameDecoder {

  /** One decoded frame; {@code requestId} is 0 for a serial one. */
  record SqlFrame(byte version, int requestId, byte[] payload) {}

  SqlFrameDecoder() {
    super(Frames.MAX_FRAME_BYTES, 0, Frames.LENGTH_BYTES, 0, Frames.LENGTH_BYTES, true);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      if (!frame.isReadable()) {
        throw new CorruptedFrameException("empty frame");
      }
      byte version = frame.readByte();
      int id = 0;
      if (version == Frames.MULTIPLEXED) {
        if (frame.readableBytes() < Frames.REQUEST_ID_BYTES) {
          throw new CorruptedFrameException("multiplexed frame without a request id");
        }
        id = frame.readInt();
      } else if (version != Frames.SERIAL) {
        throw new CorruptedFrameException("unsupported frame version " + version);
      }
      byte[] payload = new byte[frame.readableBytes()];
      frame.readBytes(payload);
      return new SqlFrame(version, id, payload);
    } finally {
      frame.release();
    }
  }
}
