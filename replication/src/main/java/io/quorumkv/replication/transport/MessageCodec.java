package io.quorumkv.replication.transport;

import io.quorumkv.replication.paxos.Ballot;
import io.quorumkv.replication.paxos.ByteReader;
import io.quorumkv.replication.paxos.ByteWriter;
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
import io.quorumkv.replication.paxos.Proposal;

/**
 * Binary form of one {@link PaxosMessage}: a type byte, the key, then the fields in declaration
 * order (varints; ballots and proposals as in {@link KeyStateCodec}; an optional proposal is
 * preceded by a presence byte). Stateless and thread-safe.
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
      w.writeVarLong(q.knownVersion());
    } else if (m instanceof ReadState r) {
      w.writeByte(READ_STATE).writeBytes(r.key()).writeVarLong(r.queryId());
      w.writeVarLong(r.version());
      writeOptional(w, r.chosen());
      KeyStateCodec.writeBallot(w, r.acceptedBallot());
      writeOptional(w, r.accepted());
    } else {
      throw new IllegalArgumentException("unknown message " + m);
    }
  }

  /**
   * Reads one message.
   *
   * @throws MalformedDataException if the bytes are not a valid message
   */
  public static PaxosMessage decode(ByteReader r) {
    int type = r.readByte();
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
        case READ_QUERY -> new ReadQuery(key, r.readVarLong(), r.readVarLong());
        case READ_STATE ->
            new ReadState(
                key, r.readVarLong(), r.readVarLong(), readOptional(r), ballot(r), readOptional(r));
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

  private static Proposal readOptional(ByteReader r) {
    int present = r.readByte();
    if (present > 1) {
      throw new MalformedDataException("bad presence byte " + present);
    }
    return present == 1 ? KeyStateCodec.readProposal(r) : null;
  }
}
