package io.quorumkv.replication.paxos;

import java.util.AbstractList;
import java.util.List;

/**
 * A proposal's exactly-once window ({@link Proposal#recent}): an immutable list that keeps its own
 * encoding once made. A proposal is encoded many times (in the Accept to each peer, in the state
 * persisted at each step, in commits), and with many writing clients its window (up to {@code
 * windowSize} entries of three varints, the client ids random 63-bit numbers) was most of the
 * bytes: through JDBC, whose sessions are distinct clients, the varint writer was the largest item
 * of the replica thread's profile. Thread-safe (the cached bytes are written once, racily but
 * always the same).
 */
final class RecentWindow extends AbstractList<Proposal.RecentWrite> {

  private final Proposal.RecentWrite[] entries;
  private volatile byte[] encoded;

  private RecentWindow(Proposal.RecentWrite[] entries) {
    this.entries = entries;
  }

  /** {@code window} as a RecentWindow (itself if it is one); null entries are rejected. */
  static RecentWindow of(List<Proposal.RecentWrite> window) {
    if (window instanceof RecentWindow w) {
      return w;
    }
    Proposal.RecentWrite[] copy = window.toArray(new Proposal.RecentWrite[0]);
    for (Proposal.RecentWrite e : copy) {
      if (e == null) {
        throw new NullPointerException("null entry in the exactly-once window");
      }
    }
    return new RecentWindow(copy);
  }

  @Override
  public Proposal.RecentWrite get(int index) {
    return entries[index];
  }

  @Override
  public int size() {
    return entries.length;
  }

  /** The window as {@link KeyStateCodec} writes it: its size, then each entry's three varints. */
  byte[] encoded() {
    byte[] e = encoded;
    if (e == null) {
      ByteWriter w = new ByteWriter(1 + entries.length * 16);
      w.writeVarLong(entries.length);
      for (Proposal.RecentWrite rw : entries) {
        w.writeVarLong(rw.clientId()).writeVarLong(rw.seq()).writeVarLong(rw.version());
      }
      e = w.toByteArray();
      encoded = e;
    }
    return e;
  }
}
