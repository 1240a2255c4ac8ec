package io.quorumkv.replication.paxos;

import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of a {@link KeyState}, one storage record per key. Format (varints are
 * unsigned LEB128):
 *
 * <pre>
 * state    = format:u8(=2) version:varint [proposal if version > 0]
 *            promised:ballot acceptedBallot:ballot [proposal if acceptedBallot != 0.0]
 * ballot   = epoch:varint round:varint node:varint
 * proposal = flags:u8(bit0 = has value) [value:bytes] clientId:varint seq:varint
 *            origin:varint count:varint (clientId:varint seq:varint version:varint)*
 * bytes    = length:varint byte*
 * </pre>
 *
 * Format 1, written before ballots had epochs, is the same with {@code ballot = round:varint
 * node:varint}; it is still read (as epoch 0), never written. Stateless and thread-safe.
 */
public final class KeyStateCodec {
  /** The format byte written first. */
  public static final int FORMAT = 2;

  /** The format of records written before ballots carried an epoch. */
  static final int FORMAT_NO_EPOCH = 1;

  private static final int MAX_WINDOW = 1 << 16;
  private static final int MAX_NODE = Integer.MAX_VALUE;

  private KeyStateCodec() {}

  /** Encodes {@code state}. */
  public static byte[] encode(KeyState state) {
    ByteWriter w = new ByteWriter(64 + (state.value() == null ? 0 : state.value().length() * 2));
    w.writeByte(FORMAT);
    w.writeVarLong(state.version());
    if (state.version() > 0) {
      writeProposal(w, state.chosen());
    }
    writeBallot(w, state.promised());
    writeBallot(w, state.acceptedBallot());
    if (!state.acceptedBallot().isZero()) {
      writeProposal(w, state.accepted());
    }
    return w.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws MalformedDataException if the bytes are not a valid state
   */
  public static KeyState decode(byte[] bytes) {
    ByteReader r = new ByteReader(bytes);
    int format = r.readByte();
    if (format != FORMAT && format != FORMAT_NO_EPOCH) {
      throw new MalformedDataException("unknown key state format " + format);
    }
    boolean epochs = format == FORMAT;
    long version = r.readVarLong();
    Proposal chosen = version > 0 ? readProposal(r) : null;
    Ballot promised = epochs ? readBallot(r) : readBallotWithoutEpoch(r);
    Ballot acceptedBallot = epochs ? readBallot(r) : readBallotWithoutEpoch(r);
    Proposal accepted = acceptedBallot.isZero() ? null : readProposal(r);
    r.expectEnd();
    try {
      return new KeyState(version, chosen, promised, acceptedBallot, accepted);
    } catch (IllegalArgumentException e) {
      throw new MalformedDataException("inconsistent key state: " + e.getMessage());
    }
  }

  /** Writes a ballot. */
  public static void writeBallot(ByteWriter w, Ballot b) {
    w.writeVarLong(b.epoch()).writeVarLong(b.round()).writeVarLong(b.node());
  }

  /** Reads a ballot. */
  public static Ballot readBallot(ByteReader r) {
    long epoch = r.readVarLong();
    long round = r.readVarLong();
    if (epoch < 0 || round < 0) {
      throw new MalformedDataException("negative epoch or round");
    }
    int node = r.readVarInt(MAX_NODE);
    if (round == 0 && epoch != 0) {
      throw new MalformedDataException("ballot without a round has an epoch");
    }
    return new Ballot(epoch, round, node);
  }

  private static Ballot readBallotWithoutEpoch(ByteReader r) {
    long round = r.readVarLong();
    if (round < 0) {
      throw new MalformedDataException("negative round");
    }
    return new Ballot(round, r.readVarInt(MAX_NODE));
  }

  /** Writes a proposal. */
  public static void writeProposal(ByteWriter w, Proposal p) {
    w.writeByte(p.value() == null ? 0 : 1);
    if (p.value() != null) {
      w.writeBytes(p.value());
    }
    w.writeVarLong(p.requestId().clientId()).writeVarLong(p.requestId().seq());
    w.writeVarLong(p.origin());
    // The same bytes as the size and each entry's three varints, encoded once per proposal.
    w.writeRaw(RecentWindow.of(p.recent()).encoded());
  }

  /** Reads a proposal. */
  public static Proposal readProposal(ByteReader r) {
    int flags = r.readByte();
    if ((flags & ~1) != 0) {
      throw new MalformedDataException("bad proposal flags " + flags);
    }
    Bytes value = (flags & 1) != 0 ? r.readBytes() : null;
    RequestId id = new RequestId(r.readVarLong(), r.readVarLong());
    int origin = r.readVarInt(MAX_NODE);
    int n = r.readVarInt(Math.min(MAX_WINDOW, r.remaining()));
    List<Proposal.RecentWrite> recent = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      recent.add(new Proposal.RecentWrite(r.readVarLong(), r.readVarLong(), r.readVarLong()));
    }
    return new Proposal(value, id, origin, recent);
  }
}
