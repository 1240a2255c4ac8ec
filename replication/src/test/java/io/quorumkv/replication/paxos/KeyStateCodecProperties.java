package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class KeyStateCodecProperties {

  @Provide
  Arbitrary<KeyState> states() {
    Arbitrary<Bytes> values =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::wrap).injectNull(0.2);
    Arbitrary<Long> longs = Arbitraries.longs().greaterOrEqual(0);
    Arbitrary<Long> anyLong = Arbitraries.longs();
    Arbitrary<Proposal.RecentWrite> recent =
        Combinators.combine(anyLong, anyLong, longs).as(Proposal.RecentWrite::new);
    Arbitrary<Proposal> proposals =
        Combinators.combine(
                values,
                anyLong,
                anyLong,
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                recent.list().ofMaxSize(10))
            .as((v, c, s, o, r) -> new Proposal(v, new RequestId(c, s), o, r));
    Arbitrary<Ballot> ballots =
        Combinators.combine(longs, Arbitraries.integers().between(0, Integer.MAX_VALUE))
            .as(Ballot::new);
    return Combinators.combine(
            Arbitraries.longs().between(0, Long.MAX_VALUE), proposals, ballots, ballots, proposals)
        .as(
            (version, chosen, b1, b2, accepted) -> {
              Ballot promised = b1.compareTo(b2) >= 0 ? b1 : b2;
              Ballot acceptedBallot = b1.compareTo(b2) >= 0 ? b2 : b1;
              return new KeyState(
                  version,
                  version == 0 ? null : chosen,
                  promised,
                  acceptedBallot,
                  acceptedBallot.isZero() ? null : accepted);
            });
  }

  @Property
  void roundTrips(@ForAll("states") KeyState state) {
    assertThat(KeyStateCodec.decode(KeyStateCodec.encode(state))).isEqualTo(state);
  }

  @Property(tries = 200)
  void everyTruncationIsRejectedCleanly(@ForAll("states") KeyState state) {
    byte[] full = KeyStateCodec.encode(state);
    for (int n = 0; n < full.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(full, n);
      assertThatThrownBy(() -> KeyStateCodec.decode(cut))
          .isInstanceOf(MalformedDataException.class);
    }
  }

  @Property
  void randomBytesNeverThrowAnythingButMalformed(@ForAll @Size(max = 64) byte[] junk) {
    try {
      KeyState s = KeyStateCodec.decode(junk);
      assertThat(KeyStateCodec.decode(KeyStateCodec.encode(s))).isEqualTo(s);
    } catch (MalformedDataException expected) {
      // fine: rejected with a clear error
    }
  }

  @Property
  void windowKeepsOneEntryPerClientAndAtMostItsSize(
      @ForAll @Size(max = 40) List<@net.jqwik.api.constraints.IntRange(max = 12) Integer> clients) {
    Proposal p = null;
    long version = 0;
    List<RequestId> ids = new ArrayList<>();
    for (int c : clients) {
      RequestId id = new RequestId(c, ++version);
      ids.add(id);
      p = Proposal.next(p, version, null, id, 0, 8);
      assertThat(p.lookup(id)).isEqualTo(Proposal.Dedup.APPLIED);
    }
    if (p != null) {
      assertThat(p.recent()).hasSizeLessThanOrEqualTo(8);
      assertThat(p.recent().stream().map(Proposal.RecentWrite::clientId).distinct().count())
          .isEqualTo(p.recent().size());
    }
  }

  @org.junit.jupiter.api.Test
  void smallStateIsSmall() {
    Proposal p = Proposal.next(null, 1, Bytes.utf8("hello"), new RequestId(3, 9), 2, 8);
    KeyState s = KeyState.EMPTY.learn(1, p);
    assertThat(KeyStateCodec.encode(s)).hasSizeLessThan(24);
  }
}
