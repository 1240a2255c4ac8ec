package io.quorumkv.replication.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ordering rule of {@link Effects}, as the node runtime and the simulator apply it. */
class OutboxTest {
  private static final Bytes A = Bytes.utf8("a");
  private static final Bytes B = Bytes.utf8("b");

  private static KeyState promised(long round) {
    return KeyState.EMPTY.promise(new Ballot(round, 1));
  }

  private static Effects effects(List<Effects.Persist> writes, PaxosMessage message, long opId) {
    return new Effects(
        writes,
        message == null ? List.of() : List.of(new Effects.Envelope(2, message)),
        opId == 0 ? List.of() : List.of(new Effects.ClientReply(opId, new Outcome.Failed("x"))),
        Long.MAX_VALUE);
  }

  private static PaxosMessage lagging(Bytes key) {
    return new PaxosMessage.Lagging(key, 0);
  }

  @Test
  void effectsWithoutASyncedWriteLeaveAtOnceEvenBehindAHeldBatch() {
    Outbox box = new Outbox();
    assertThat(
            box.add(effects(List.of(new Effects.Persist(A, promised(2))), lagging(A), 1)).isEmpty())
        .isTrue();
    Outbox.Batch first = box.cut();
    assertThat(first.sync()).isTrue();

    Outbox.Release now =
        box.add(effects(List.of(new Effects.Persist(B, promised(3), false)), lagging(B), 2));
    assertThat(now.messages()).extracting(e -> e.message().key()).containsExactly(B);
    assertThat(now.replies()).extracting(Effects.ClientReply::opId).containsExactly(2L);
    assertThat(box.isHolding()).isTrue();

    Outbox.Batch lazy = box.cut();
    assertThat(lazy.sync()).isFalse();
    assertThat(box.durable(first.id()).replies())
        .extracting(Effects.ClientReply::opId)
        .containsExactly(1L);
    assertThat(box.isHolding()).isFalse();
  }

  @Test
  void oneSyncedWriteMakesTheBatchSyncedAndTheLastRecordPerKeyWins() {
    Outbox box = new Outbox();
    box.add(effects(List.of(new Effects.Persist(A, promised(2))), lagging(A), 0));
    box.add(effects(List.of(new Effects.Persist(B, promised(2), false)), null, 0));
    box.add(effects(List.of(new Effects.Persist(A, promised(5), false)), null, 0));
    Outbox.Batch b = box.cut();
    assertThat(b.sync()).isTrue();
    assertThat(b.records().keySet()).containsExactly(B, A);
    assertThat(b.records().get(A)).isEqualTo(promised(5));
    assertThat(box.cut()).isNull();
  }

  @Test
  void aDurableBatchReleasesEveryEarlierBatchInOrderAndNothingLater() {
    Outbox box = new Outbox();
    box.add(effects(List.of(new Effects.Persist(A, promised(2))), lagging(A), 1));
    Outbox.Batch one = box.cut();
    box.add(effects(List.of(new Effects.Persist(B, promised(2))), lagging(B), 2));
    Outbox.Batch two = box.cut();
    box.add(effects(List.of(new Effects.Persist(A, promised(3))), lagging(A), 3));
    box.cut();
    assertThat(one.id()).isLessThan(two.id());

    Outbox.Release r = box.durable(two.id());
    assertThat(r.replies()).extracting(Effects.ClientReply::opId).containsExactly(1L, 2L);
    assertThat(r.messages()).extracting(e -> e.message().key()).containsExactly(A, B);
    assertThat(box.durable(two.id()).isEmpty()).isTrue();
    assertThat(box.isHolding()).isTrue();
  }

  @Test
  void clearDropsEverythingHeld() {
    Outbox box = new Outbox();
    box.add(effects(List.of(new Effects.Persist(A, promised(2))), lagging(A), 1));
    Outbox.Batch b = box.cut();
    box.add(effects(List.of(new Effects.Persist(B, promised(2))), lagging(B), 2));
    box.clear();
    assertThat(box.hasPendingWrites()).isFalse();
    assertThat(box.isHolding()).isFalse();
    assertThat(box.durable(b.id()).isEmpty()).isTrue();
  }
}
