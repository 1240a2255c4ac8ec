package io.quorumkv.server.sql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the SQL port's byte stream into frames ({@code u32 length | u8 version | payload}, see
 * jdbc-driver/README.md) and yields each payload as a {@code byte[]} (one Avatica protobuf
 * request). A frame longer than the maximum, of length 0 or of another version raises a {@link
 * io.netty.handler.codec.DecoderException}; {@link SqlServerHandler} then closes this connection
 * only. One instance per channel.
 */
final class SqlFrameDecoder extends LengthFieldBasedFrameDecoder {

  /** The only frame version. */
  static final byte VERSION = 1;

  /** The largest frame (version byte and payload): 64 MiB, as the driver's. */
  static final int MAX_FRAME_BYTES = 64 << 20;

  SqlFrameDecoder() {
    super(MAX_FRAME_BYTES, 0, 4, 0, 4, true);
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
      if (version != VERSION) {
        throw new CorruptedFrameException("unsupported frame version " + version);
      }
      byte[] payload = new byte[frame.readableBytes()];
      frame.readBytes(payload);
      return payload;
    } finally {
      frame.release();
    }
  }
}
