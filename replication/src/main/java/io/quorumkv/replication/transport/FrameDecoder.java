package io.quorumkv.replication.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.quorumkv.replication.paxos.ByteReader;
import io.quorumkv.replication.paxos.MalformedDataException;
import io.quorumkv.replication.paxos.PaxosMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the byte stream into frames ({@link LengthFieldBasedFrameDecoder} with a maximum frame
 * size) and decodes each into a {@link PaxosFrame}. A frame of another version, a malformed frame
 * or one longer than the maximum raises a {@link io.netty.handler.codec.DecoderException}, which
 * {@link ProtocolErrorHandler} turns into closing this connection. One instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private static final int MAX_MESSAGES = 1 << 20;

  private final TransportStats stats;

  /** A decoder refusing frames longer than {@code maxFrameBytes}. */
  public FrameDecoder(int maxFrameBytes) {
    this(maxFrameBytes, null);
  }

  /** As {@link #FrameDecoder(int)}, counting received frames and bytes in {@code stats}. */
  public FrameDecoder(int maxFrameBytes, TransportStats stats) {
    super(maxFrameBytes, 0, 4, 0, 4);
    this.stats = stats;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    if (stats != null) {
      stats.framesReceived.increment();
      stats.bytesReceived.add(4 + frame.readableBytes());
    }
    try {
      byte[] body = new byte[frame.readableBytes()];
      frame.readBytes(body);
      return parse(body);
    } finally {
      frame.release();
    }
  }

  /** Parses a frame body. */
  static PaxosFrame parse(byte[] body) {
    try {
      ByteReader r = new ByteReader(body);
      int version = r.readByte();
      if (version != PaxosFrame.VERSION) {
        throw new CorruptedFrameException("unsupported frame version " + version);
      }
      int sender = r.readVarInt(Integer.MAX_VALUE);
      int count = r.readVarInt(Math.min(MAX_MESSAGES, r.remaining()));
      List<PaxosMessage> messages = new ArrayList<>(count);
      List<NodeMessage> nodeMessages = new ArrayList<>(0);
      for (int i = 0; i < count; i++) {
        Object m = MessageCodec.decodeAny(r);
        if (m instanceof PaxosMessage p) {
          messages.add(p);
        } else {
          nodeMessages.add((NodeMessage) m);
        }
      }
      r.expectEnd();
      return new PaxosFrame(sender, messages, nodeMessages);
    } catch (MalformedDataException e) {
      throw new CorruptedFrameException("malformed frame: " + e.getMessage(), e);
    }
  }
}
