package io.quorumkv.replication.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.quorumkv.replication.paxos.ByteWriter;
import io.quorumkv.replication.paxos.PaxosMessage;

/** Writes a {@link PaxosFrame} as one length-prefixed frame. Sharable (its counters are). */
@io.netty.channel.ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<PaxosFrame> {
  private final TransportStats stats;

  /** A new encoder. */
  public FrameEncoder() {
    this(null);
  }

  /** A new encoder counting frames and bytes in {@code stats} (may be null). */
  public FrameEncoder(TransportStats stats) {
    super(PaxosFrame.class);
    this.stats = stats;
  }

  /** The frame body (everything after the length field). */
  static byte[] body(PaxosFrame frame) {
    ByteWriter w = new ByteWriter(256);
    w.writeByte(PaxosFrame.VERSION).writeVarLong(frame.sender()).writeVarLong(frame.size());
    for (PaxosMessage m : frame.messages()) {
      MessageCodec.encode(w, m);
    }
    for (NodeMessage m : frame.nodeMessages()) {
      MessageCodec.encode(w, m);
    }
    return w.toByteArray();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, PaxosFrame frame, ByteBuf out) {
    byte[] body = body(frame);
    out.writeInt(body.length);
    out.writeBytes(body);
    if (stats != null) {
      stats.framesSent.increment();
      stats.messagesSent.add(frame.size());
      stats.bytesSent.add(4 + body.length);
    }
  }
}
