package io.quorumkv.replication.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.quorumkv.replication.paxos.ByteReader;
import io.quorumkv.replication.paxos.ByteWriter;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.MalformedDataException;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the client protocol. Frames: {@code length:int32 | version:u8 (=1) | kind:u8 |
 * body}, varints unsigned LEB128, optional values behind a presence byte.
 *
 * <pre>
 * request  (kind 1) = tag op:u8 key:bytes args rid? retry:u8 timeoutMillis
 *   op 1 read | 2 put value:bytes | 3 delete | 4 cas expected:bytes? new:bytes?
 *      | 5 cas-version expectedVersion new:bytes?
 *   rid = clientId seq
 * response (kind 2) = tag outcome:u8 fields
 *   1 read-ok value:bytes? version | 2 applied version valueKnown:u8 value:bytes?
 *   | 3 not-applied current:bytes? version | 4 unknown reason:utf8 | 5 failed reason:utf8
 * stats request  (kind 3) = tag
 * stats response (kind 4) = tag count (name:utf8 value:varint)*
 * </pre>
 *
 * Stateless.
 */
public final class ClientCodec {
  /** The protocol version byte. */
  public static final int VERSION = 1;

  private static final int REQUEST = 1;
  private static final int RESPONSE = 2;
  private static final int STATS_REQUEST = 3;
  private static final int STATS_RESPONSE = 4;
  private static final int LOCAL_READ = 5;
  private static final int MAX_STATS = 4096;

  private ClientCodec() {}

  /** The frame body (everything after the length field) of {@code m}. */
  public static byte[] body(ClientMessage m) {
    ByteWriter w = new ByteWriter(64);
    w.writeByte(VERSION);
    if (m instanceof ClientMessage.Request r) {
      w.writeByte(REQUEST).writeVarLong(r.tag());
      Operation op = r.operation();
      if (op instanceof Operation.Read) {
        w.writeByte(1).writeBytes(r.key());
      } else if (op instanceof Operation.Put p) {
        w.writeByte(2).writeBytes(r.key()).writeBytes(p.value());
      } else if (op instanceof Operation.Delete) {
        w.writeByte(3).writeBytes(r.key());
      } else if (op instanceof Operation.Cas c) {
        w.writeByte(4).writeBytes(r.key());
        optional(w, c.expected());
        optional(w, c.newValue());
      } else if (op instanceof Operation.CasVersion c) {
        w.writeByte(5).writeBytes(r.key()).writeVarLong(c.expectedVersion());
        optional(w, c.newValue());
      } else {
        throw new IllegalArgumentException("not serializable: " + op);
      }
      w.writeByte(r.requestId() == null ? 0 : 1);
      if (r.requestId() != null) {
        w.writeVarLong(r.requestId().clientId()).writeVarLong(r.requestId().seq());
      }
      w.writeByte(r.retry() ? 1 : 0).writeVarLong(r.timeoutMillis());
    } else if (m instanceof ClientMessage.Response r) {
      w.writeByte(RESPONSE).writeVarLong(r.tag());
      Outcome o = r.outcome();
      if (o instanceof Outcome.ReadOk ok) {
        w.writeByte(1);
        optional(w, ok.value());
        w.writeVarLong(ok.version());
      } else if (o instanceof CasResult.Applied a) {
        w.writeByte(2).writeVarLong(a.version()).writeByte(a.valueKnown() ? 1 : 0);
        optional(w, a.valueKnown() ? a.value() : null);
      } else if (o instanceof CasResult.NotApplied n) {
        w.writeByte(3);
        optional(w, n.current());
        w.writeVarLong(n.version());
      } else if (o instanceof CasResult.Unknown u) {
        w.writeByte(4).writeBytes(Bytes.utf8(u.reason()));
      } else if (o instanceof Outcome.Failed f) {
        w.writeByte(5).writeBytes(Bytes.utf8(f.reason()));
      }
    } else if (m instanceof ClientMessage.StatsRequest r) {
      w.writeByte(STATS_REQUEST).writeVarLong(r.tag());
    } else if (m instanceof ClientMessage.LocalRead r) {
      w.writeByte(LOCAL_READ).writeVarLong(r.tag()).writeBytes(r.key());
    } else if (m instanceof ClientMessage.StatsResponse r) {
      w.writeByte(STATS_RESPONSE).writeVarLong(r.tag()).writeVarLong(r.stats().size());
      for (java.util.Map.Entry<String, Long> e : r.stats().entrySet()) {
        w.writeBytes(Bytes.utf8(e.getKey())).writeVarLong(e.getValue());
      }
    }
    return w.toByteArray();
  }

  /**
   * Parses a frame body.
   *
   * @throws CorruptedFrameException if it is not a valid message
   */
  public static ClientMessage parse(byte[] body) {
    try {
      ByteReader r = new ByteReader(body);
      int version = r.readByte();
      if (version != VERSION) {
        throw new CorruptedFrameException("unsupported client protocol version " + version);
      }
      int kind = r.readByte();
      ClientMessage m;
      if (kind == REQUEST) {
        long tag = r.readVarLong();
        int op = r.readByte();
        Bytes key = r.readBytes();
        Operation operation =
            switch (op) {
              case 1 -> new Operation.Read();
              case 2 -> new Operation.Put(r.readBytes());
              case 3 -> new Operation.Delete();
              case 4 -> new Operation.Cas(optional(r), optional(r));
              case 5 -> new Operation.CasVersion(r.readVarLong(), optional(r));
              default -> throw new MalformedDataException("unknown operation " + op);
            };
        RequestId rid = flag(r) ? new RequestId(r.readVarLong(), r.readVarLong()) : null;
        boolean retry = flag(r);
        int timeout = r.readVarInt(Integer.MAX_VALUE);
        m = new ClientMessage.Request(tag, key, operation, rid, retry, timeout);
      } else if (kind == RESPONSE) {
        long tag = r.readVarLong();
        int type = r.readByte();
        Outcome o =
            switch (type) {
              case 1 -> new Outcome.ReadOk(optional(r), r.readVarLong());
              case 2 -> {
                long v = r.readVarLong();
                boolean known = flag(r);
                yield new CasResult.Applied(v, optional(r), known);
              }
              case 3 -> new CasResult.NotApplied(optional(r), r.readVarLong());
              case 4 -> new CasResult.Unknown(string(r));
              case 5 -> new Outcome.Failed(string(r));
              default -> throw new MalformedDataException("unknown outcome " + type);
            };
        m = new ClientMessage.Response(tag, o);
      } else if (kind == LOCAL_READ) {
        m = new ClientMessage.LocalRead(r.readVarLong(), r.readBytes());
      } else if (kind == STATS_REQUEST) {
        m = new ClientMessage.StatsRequest(r.readVarLong());
      } else if (kind == STATS_RESPONSE) {
        long tag = r.readVarLong();
        int n = r.readVarInt(Math.min(MAX_STATS, r.remaining()));
        java.util.Map<String, Long> stats = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          stats.put(string(r), r.readVarLong());
        }
        m = new ClientMessage.StatsResponse(tag, stats);
      } else {
        throw new MalformedDataException("unknown message kind " + kind);
      }
      r.expectEnd();
      return m;
    } catch (MalformedDataException | IllegalArgumentException | NullPointerException e) {
      // The record constructors validate too (a write without request id, a zero timeout).
      throw new CorruptedFrameException("malformed client frame: " + e.getMessage(), e);
    }
  }

  private static void optional(ByteWriter w, Bytes b) {
    w.writeByte(b == null ? 0 : 1);
    if (b != null) {
      w.writeBytes(b);
    }
  }

  private static Bytes optional(ByteReader r) {
    return flag(r) ? r.readBytes() : null;
  }

  private static boolean flag(ByteReader r) {
    int b = r.readByte();
    if (b > 1) {
      throw new MalformedDataException("bad flag byte " + b);
    }
    return b == 1;
  }

  private static String string(ByteReader r) {
    return new String(r.readBytes().toByteArray(), StandardCharsets.UTF_8);
  }

  /**
   * Splits the stream into frames of at most {@code maxFrameBytes} and parses each into a {@link
   * ClientMessage}; errors surface as {@link io.netty.handler.codec.DecoderException}s, which
   * {@link ProtocolErrorHandler} turns into closing the connection. One instance per channel.
   */
  public static final class Decoder extends LengthFieldBasedFrameDecoder {
    /** A decoder refusing frames longer than {@code maxFrameBytes}. */
    public Decoder(int maxFrameBytes) {
      super(maxFrameBytes, 0, 4, 0, 4);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
      ByteBuf frame = (ByteBuf) super.decode(ctx, in);
      if (frame == null) {
        return null;
      }
      try {
        byte[] body = new byte[frame.readableBytes()];
        frame.readBytes(body);
        return parse(body);
      } finally {
        frame.release();
      }
    }
  }

  /** Writes a {@link ClientMessage} as one length-prefixed frame. Stateless; sharable. */
  @ChannelHandler.Sharable
  public static final class Encoder extends MessageToByteEncoder<ClientMessage> {
    /** A new encoder. */
    public Encoder() {
      super(ClientMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ClientMessage m, ByteBuf out) {
      byte[] body = body(m);
      out.writeInt(body.length);
      out.writeBytes(body);
    }
  }
}
