package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.Ballot;
import io.quorumkv.replication.paxos.ByteReader;
import io.quorumkv.replication.paxos.ByteWriter;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.KeyStateCodec;
import io.quorumkv.replication.paxos.MalformedDataException;
import io.quorumkv.replication.paxos.PaxosMessage;
import io.quorumkv.replication.paxos.PaxosMessage.Accept;
import io.quorumkv.replication.paxos.PaxosMessage.Accepted;
import io.quorumkv.replication.paxos.PaxosMessage.Commit;
import io.quorumkv.replication.paxos.PaxosMessage.Lagging;
import io.quorumkv.replication.paxos.PaxosMessage.Prepare;
import io.quorumkv.replication.paxos.PaxosMessage.Promise;
import io.quorumkv.replication.paxos.PaxosMessage.ReadQuery;
import io.quorumkv.replication.paxos.PaxosMessage.ReadState;
import io.quorumkv.replication.paxos.PaxosMessage.Reject;
import io.quorumkv.replication.paxos.PaxosMessage.Stale;
import io.quorumkv.replication.paxos.PaxosMessage.Sync;
import io.quorumkv.replication.paxos.PaxosMessage.Synced;
import io.quorumkv.replication.paxos.Proposal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of one {@link PaxosMessage} or {@link NodeMessage}: a type byte, the key, then the
 * fields in declaration order (varints; ballots and proposals as in {@link KeyStateCodec}; an
 * optional proposal is preceded by a presence byte). Stateless and thread-safe.
 */
public final class MessageCodec {
  private static final int PREPARE = 1;
  private static final int PROMISE = 2;
  private static final int ACCEPT = 3;
  private static final int ACCEPTED = 4;
  private static final int REJECT = 5;
  private static final int COMMIT = 6;
  private static final int LAGGING = 7;
  private static final int READ_QUERY = 8;
  private static final int READ_STATE = 9;
  private static final int LIST_KEYS = 10;
  private static final int KEY_LIST = 11;
  private static final int MEMBERSHIP = 12;
  private static final int MEMBERSHIP_ANSWER = 13;
  private static final int STATE_SCAN = 14;
  private static final int STATE_CHUNK = 15;
  private static final int STALE = 16;
  private static final int SYNC = 17;
  private static final int SYNCED = 18;
  private static final int FORWARD = 19;
  private static final int FORWARD_REPLY = 20;
  private static final int SETTLE_SEGMENT = 21;
  private static final int SEGMENT_SETTLED = 22;
  private static final int MAP_VERSION = 23;
  private static final int MAX_KEYS = 1 << 20;

  private MessageCodec() {}

  /** Appends {@code m} to {@code w}. */
  public static void encode(ByteWriter w, PaxosMessage m) {
    if (m instanceof Prepare p) {
      w.writeByte(PREPARE).writeBytes(p.key()).writeVarLong(p.instance());
      KeyStateCodec.writeBallot(w, p.ballot());
    } else if (m instanceof Promise p) {
      w.writeByte(PROMISE).writeBytes(p.key()).writeVarLong(p.instance());
      KeyStateCodec.writeBallot(w, p.ballot());
      KeyStateCodec.writeBallot(w, p.acceptedBallot());
      writeOptional(w, p.accepted());
    } else if (m instanceof Accept a) {
      w.writeByte(ACCEPT).writeBytes(a.key()).writeVarLong(a.instance());
      KeyStateCodec.writeBallot(w, a.ballot());
      KeyStateCodec.writeProposal(w, a.proposal());
    } else if (m instanceof Accepted a) {
      w.writeByte(ACCEPTED).writeBytes(a.key()).writeVarLong(a.instance());
      KeyStateCodec.writeBallot(w, a.ballot());
    } else if (m instanceof Reject r) {
      w.writeByte(REJECT).writeBytes(r.key()).writeVarLong(r.instance());
      KeyStateCodec.writeBallot(w, r.ballot());
      KeyStateCodec.writeBallot(w, r.promised());
    } else if (m instanceof Commit c) {
      w.writeByte(COMMIT).writeBytes(c.key()).writeVarLong(c.version());
      KeyStateCodec.writeProposal(w, c.proposal());
    } else if (m instanceof Lagging l) {
      w.writeByte(LAGGING).writeBytes(l.key()).writeVarLong(l.version());
    } else if (m instanceof ReadQuery q) {
      w.writeByte(READ_QUERY).writeBytes(q.key()).writeVarLong(q.queryId());
      w.writeVarLong(q.knownVersion()).writeVarLong(q.epoch());
    } else if (m instanceof ReadState r) {
      w.writeByte(READ_STATE).writeBytes(r.key()).writeVarLong(r.queryId());
      w.writeVarLong(r.version());
      writeOptional(w, r.chosen());
      KeyStateCodec.writeBallot(w, r.acceptedBallot());
      writeOptional(w, r.accepted());
    } else if (m instanceof Stale st) {
      w.writeByte(STALE).writeBytes(st.key()).writeVarLong(st.epoch());
    } else if (m instanceof Sync sy) {
      w.writeByte(SYNC).writeBytes(sy.key()).writeVarLong(sy.version());
      KeyStateCodec.writeProposal(w, sy.proposal());
    } else if (m instanceof Synced sd) {
      w.writeByte(SYNCED).writeBytes(sd.key()).writeVarLong(sd.version());
    } else {
      throw new IllegalArgumentException("unknown message " + m);
    }
  }

  /**
   * Appends {@code m} to {@code w}: {@code ListKeys = 10 queryId start? end? limit} and {@code
   * KeyList = 11 queryId truncated:u8 count key*}, optional keys behind a presence byte; {@code
   * Membership = 12 queryId initialized:u8}, {@code MembershipAnswer = 13 queryId knowsYou:u8},
   * {@code StateScan = 14 queryId after? limit}, {@code StateChunk = 15 queryId (absentDepth +
   * 1):varint truncated:u8 count (key record)*}, {@code Forward = 19 tag request:bytes}, {@code
   * ForwardReply = 20 tag response:bytes}, {@code SettleSegment = 21 tag segment epoch timeout},
   * {@code SegmentSettled = 22 tag (keys + 1):varint error:utf8}, {@code MapVersion = 23 version}.
   */
  public static void encode(ByteWriter w, NodeMessage m) {
    if (m instanceof NodeMessage.ListKeys q) {
      w.writeByte(LIST_KEYS).writeVarLong(q.queryId());
      writeOptional(w, q.start());
      writeOptional(w, q.end());
      w.writeVarLong(q.limit());
    } else if (m instanceof NodeMessage.KeyList l) {
      w.writeByte(KEY_LIST).writeVarLong(l.queryId()).writeByte(l.truncated() ? 1 : 0);
      w.writeVarLong(l.keys().size());
      for (Bytes k : l.keys()) {
        w.writeBytes(k);
      }
    } else if (m instanceof NodeMessage.Membership q) {
      w.writeByte(MEMBERSHIP).writeVarLong(q.queryId()).writeByte(q.initialized() ? 1 : 0);
    } else if (m instanceof NodeMessage.MembershipAnswer a) {
      w.writeByte(MEMBERSHIP_ANSWER).writeVarLong(a.queryId()).writeByte(a.knowsYou() ? 1 : 0);
    } else if (m instanceof NodeMessage.StateScan q) {
      w.writeByte(STATE_SCAN).writeVarLong(q.queryId());
      writeOptional(w, q.after());
      w.writeVarLong(q.limit());
    } else if (m instanceof NodeMessage.StateChunk c) {
      w.writeByte(STATE_CHUNK).writeVarLong(c.queryId());
      w.writeVarLong(c.absentDepth() + 1).writeByte(c.truncated() ? 1 : 0);
      w.writeVarLong(c.keys().size());
      for (int i = 0; i < c.keys().size(); i++) {
        w.writeBytes(c.keys().get(i)).writeBytes(c.records().get(i));
      }
    } else if (m instanceof NodeMessage.Forward f) {
      w.writeByte(FORWARD).writeVarLong(f.tag()).writeBytes(f.request());
    } else if (m instanceof NodeMessage.ForwardReply f) {
      w.writeByte(FORWARD_REPLY).writeVarLong(f.tag()).writeBytes(f.response());
    } else if (m instanceof NodeMessage.SettleSegment q) {
      w.writeByte(SETTLE_SEGMENT).writeVarLong(q.tag()).writeVarLong(q.segment());
      w.writeVarLong(q.epoch()).writeVarLong(q.timeoutMillis());
    } else if (m instanceof NodeMessage.SegmentSettled a) {
      w.writeByte(SEGMENT_SETTLED).writeVarLong(a.tag()).writeVarLong(a.keys() + 1);
      w.writeBytes(Bytes.utf8(a.error()));
    } else if (m instanceof NodeMessage.MapVersion v) {
      w.writeByte(MAP_VERSION).writeVarLong(v.version());
    } else {
      throw new IllegalArgumentException("unknown message " + m);
    }
  }

  /**
   * Reads one message of either kind: a {@link PaxosMessage} or a {@link NodeMessage}.
   *
   * @throws MalformedDataException if the bytes are not a valid message
   */
  public static Object decodeAny(ByteReader r) {
    int type = r.readByte();
    if (type == LIST_KEYS) {
      long id = r.readVarLong();
      Bytes start = readOptionalBytes(r);
      Bytes end = readOptionalBytes(r);
      int limit = r.readVarInt(Integer.MAX_VALUE);
      if (limit < 1) {
        throw new MalformedDataException("limit must be >= 1");
      }
      return new NodeMessage.ListKeys(id, start, end, limit);
    }
    if (type == KEY_LIST) {
      long id = r.readVarLong();
      int truncated = r.readByte();
      if (truncated > 1) {
        throw new MalformedDataException("bad truncated flag " + truncated);
      }
      int count = r.readVarInt(Math.min(MAX_KEYS, r.remaining()));
      List<Bytes> keys = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(r.readBytes());
      }
      return new NodeMessage.KeyList(id, keys, truncated == 1);
    }
    if (type == MEMBERSHIP) {
      return new NodeMessage.Membership(r.readVarLong(), flag(r));
    }
    if (type == MEMBERSHIP_ANSWER) {
      return new NodeMessage.MembershipAnswer(r.readVarLong(), flag(r));
    }
    if (type == STATE_SCAN) {
      long id = r.readVarLong();
      Bytes after = readOptionalBytes(r);
      int limit = r.readVarInt(Integer.MAX_VALUE);
      if (limit < 1) {
        throw new MalformedDataException("limit must be >= 1");
      }
      return new NodeMessage.StateScan(id, after, limit);
    }
    if (type == STATE_CHUNK) {
      long id = r.readVarLong();
      long absentDepth = r.readVarLong() - 1;
      if (absentDepth < -1) {
        throw new MalformedDataException("bad absent depth");
      }
      boolean truncated = flag(r);
      int count = r.readVarInt(Math.min(MAX_KEYS, r.remaining()));
      List<Bytes> keys = new ArrayList<>(count);
      List<Bytes> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(r.readBytes());
        records.add(r.readBytes());
      }
      return new NodeMessage.StateChunk(id, absentDepth, keys, records, truncated);
    }
    if (type == FORWARD) {
      return new NodeMessage.Forward(r.readVarLong(), r.readBytes());
    }
    if (type == FORWARD_REPLY) {
      return new NodeMessage.ForwardReply(r.readVarLong(), r.readBytes());
    }
    if (type == SETTLE_SEGMENT) {
      long tag = r.readVarLong();
      int segment = r.readVarInt(Integer.MAX_VALUE);
      long epoch = r.readVarLong();
      int timeout = r.readVarInt(Integer.MAX_VALUE);
      if (epoch < 0 || timeout < 1) {
        throw new MalformedDataException("bad settle request");
      }
      return new NodeMessage.SettleSegment(tag, segment, epoch, timeout);
    }
    if (type == SEGMENT_SETTLED) {
      long tag = r.readVarLong();
      long keys = r.readVarLong() - 1;
      if (keys < -1) {
        throw new MalformedDataException("bad key count");
      }
      return new NodeMessage.SegmentSettled(
          tag, keys, new String(r.readBytes().toByteArray(), StandardCharsets.UTF_8));
    }
    if (type == MAP_VERSION) {
      return new NodeMessage.MapVersion(r.readVarLong());
    }
    return decodePaxos(type, r);
  }

  private static boolean flag(ByteReader r) {
    int b = r.readByte();
    if (b > 1) {
      throw new MalformedDataException("bad flag byte " + b);
    }
    return b == 1;
  }

  /**
   * Reads one Paxos message.
   *
   * @throws MalformedDataException if the bytes are not a valid Paxos message
   */
  public static PaxosMessage decode(ByteReader r) {
    return decodePaxos(r.readByte(), r);
  }

  private static PaxosMessage decodePaxos(int type, ByteReader r) {
    var key = r.readBytes();
    try {
      return switch (type) {
        case PREPARE -> new Prepare(key, r.readVarLong(), ballot(r));
        case PROMISE -> new Promise(key, r.readVarLong(), ballot(r), ballot(r), readOptional(r));
        case ACCEPT -> new Accept(key, r.readVarLong(), ballot(r), KeyStateCodec.readProposal(r));
        case ACCEPTED -> new Accepted(key, r.readVarLong(), ballot(r));
        case REJECT -> new Reject(key, r.readVarLong(), ballot(r), ballot(r));
        case COMMIT -> new Commit(key, r.readVarLong(), KeyStateCodec.readProposal(r));
        case LAGGING -> new Lagging(key, r.readVarLong());
        case READ_QUERY -> new ReadQuery(key, r.readVarLong(), r.readVarLong(), r.readVarLong());
        case READ_STATE ->
            new ReadState(
                key, r.readVarLong(), r.readVarLong(), readOptional(r), ballot(r), readOptional(r));
        case STALE -> new Stale(key, r.readVarLong());
        case SYNC -> new Sync(key, r.readVarLong(), KeyStateCodec.readProposal(r));
        case SYNCED -> new Synced(key, r.readVarLong());
        default -> throw new MalformedDataException("unknown message type " + type);
      };
    } catch (IllegalArgumentException e) {
      throw new MalformedDataException("invalid message: " + e.getMessage());
    }
  }

  private static Ballot ballot(ByteReader r) {
    return KeyStateCodec.readBallot(r);
  }

  private static void writeOptional(ByteWriter w, Proposal p) {
    w.writeByte(p == null ? 0 : 1);
    if (p != null) {
      KeyStateCodec.writeProposal(w, p);
    }
  }

  private static void writeOptional(ByteWriter w, Bytes b) {
    w.writeByte(b == null ? 0 : 1);
    if (b != null) {
      w.writeBytes(b);
    }
  }

  private static Bytes readOptionalBytes(ByteReader r) {
    int present = r.readByte();
    if (present > 1) {
      throw new MalformedDataException("bad presence byte " + present);
    }
    return present == 1 ? r.readBytes() : null;
  }

  private static Proposal readOptional(ByteReader r) {
    int present = r.readByte();
    if (present > 1) {
      throw new MalformedDataException("bad presence byte " + present);
    }
    return present == 1 ? KeyStateCodec.readProposal(r) : null;
  }
}
