package io.quorumkv.replication.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryOp.Status;
import io.quorumkv.replication.paxos.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  private static final Bytes K = Bytes.utf8("k");
  private static final Bytes K2 = Bytes.utf8("k2");
  private static final long INF = Long.MAX_VALUE;

  private static Bytes v(int i) {
    return Bytes.utf8(Integer.toString(i));
  }

  private static HistoryOp write(
      int p, Bytes key, Integer val, Status st, long v, long t0, long t1) {
    return new HistoryOp(
        p,
        key,
        Kind.WRITE,
        val == null ? null : v(val),
        null,
        st,
        st == Status.OK,
        null,
        v,
        t0,
        t1);
  }

  private static HistoryOp write(int p, Integer val, long t0, long t1) {
    return write(p, K, val, Status.OK, -1, t0, t1);
  }

  private static HistoryOp unknownWrite(int p, Integer val, long t0) {
    return write(p, K, val, Status.INFO, -1, t0, INF);
  }

  private static HistoryOp read(int p, Bytes key, Integer saw, long v, long t0, long t1) {
    return new HistoryOp(
        p, key, Kind.READ, null, null, Status.OK, false, saw == null ? null : v(saw), v, t0, t1);
  }

  private static HistoryOp read(int p, Integer saw, long t0, long t1) {
    return read(p, K, saw, -1, t0, t1);
  }

  private static HistoryOp cas(int p, Integer exp, Integer nw, boolean applied, long t0, long t1) {
    return new HistoryOp(
        p,
        K,
        Kind.CAS,
        nw == null ? null : v(nw),
        exp == null ? null : v(exp),
        Status.OK,
        applied,
        null,
        -1,
        t0,
        t1);
  }

  private static HistoryOp casNotApplied(
      int p, Integer exp, Integer nw, Integer saw, long t0, long t1) {
    return new HistoryOp(
        p,
        K,
        Kind.CAS,
        v(nw),
        exp == null ? null : v(exp),
        Status.OK,
        false,
        saw == null ? null : v(saw),
        -1,
        t0,
        t1);
  }

  private static HistoryOp unknownCas(int p, Integer exp, Integer nw, long t0) {
    return new HistoryOp(
        p, K, Kind.CAS, v(nw), exp == null ? null : v(exp), Status.INFO, false, null, -1, t0, INF);
  }

  private static boolean ok(HistoryOp... ops) {
    return new LinearizabilityChecker().check(List.of(ops)).linearizable();
  }

  @Test
  void rejectsStaleReadAfterCommittedWrite() {
    assertThat(ok(write(0, 1, 1, 2), read(1, null, 3, 4))).isFalse();
    assertThat(ok(write(0, 1, 1, 2), write(0, 2, 3, 4), read(1, 1, 5, 6))).isFalse();
  }

  @Test
  void rejectsTwoCasAppliedFromTheSameExpectedValue() {
    assertThat(ok(write(0, 1, 1, 2), cas(1, 1, 2, true, 3, 6), cas(2, 1, 3, true, 4, 5))).isFalse();
    // ...but one applied and one not applied (seeing the winner's value) is fine.
    assertThat(ok(write(0, 1, 1, 2), cas(1, 1, 2, true, 3, 6), casNotApplied(2, 1, 3, 2, 4, 7)))
        .isTrue();
  }

  @Test
  void rejectsLostAcknowledgedWrite() {
    assertThat(ok(write(0, 1, 1, 2), read(1, null, 3, 4), read(2, 1, 5, 6))).isFalse();
    assertThat(ok(write(0, 1, 1, 2), read(1, 1, 3, 4), read(2, null, 5, 6))).isFalse();
  }

  @Test
  void rejectsReadOfAValueNeverWritten() {
    assertThat(ok(write(0, 1, 1, 2), read(1, 7, 3, 4))).isFalse();
  }

  @Test
  void rejectsNotAppliedCasWhoseObservationContradictsTheRegister() {
    assertThat(ok(write(0, 1, 1, 2), casNotApplied(1, 2, 3, null, 3, 4))).isFalse();
    // a not-applied CAS cannot observe its own expected value
    assertThat(ok(write(0, 1, 1, 2), casNotApplied(1, 1, 3, 1, 3, 4))).isFalse();
  }

  @Test
  void acceptsConcurrentOperationsInEitherOrder() {
    assertThat(ok(write(0, 1, 1, 4), write(1, 2, 2, 3), read(2, 1, 5, 6))).isTrue();
    assertThat(ok(write(0, 1, 1, 4), write(1, 2, 2, 3), read(2, 2, 5, 6))).isTrue();
    assertThat(ok(write(0, 1, 1, 4), read(1, null, 2, 3), read(2, 1, 2, 5))).isTrue();
  }

  @Test
  void acceptsUnknownWriteThatTookEffect() {
    assertThat(ok(unknownWrite(0, 1, 1), read(1, 1, 5, 6))).isTrue();
    assertThat(ok(unknownCas(0, null, 1, 1), read(1, 1, 5, 6), read(2, 1, 7, 8))).isTrue();
  }

  @Test
  void acceptsUnknownWriteThatNeverTookEffect() {
    assertThat(ok(unknownWrite(0, 1, 1), read(1, null, 5, 6), write(2, 2, 7, 8), read(1, 2, 9, 10)))
        .isTrue();
  }

  @Test
  void unknownWriteMayTakeEffectLateButOnlyOnce() {
    assertThat(ok(unknownWrite(0, 1, 1), read(1, null, 2, 3), read(1, 1, 4, 5))).isTrue();
    assertThat(
            ok(
                unknownWrite(0, 1, 1),
                read(1, null, 2, 3),
                read(1, 1, 4, 5),
                write(2, 2, 6, 7),
                read(1, 1, 8, 9)))
        .isFalse();
  }

  @Test
  void unknownWriteCannotTakeEffectBeforeItsInvocation() {
    assertThat(ok(read(1, 1, 1, 2), unknownWrite(0, 1, 3))).isFalse();
  }

  @Test
  void failedOperationsNeverTakeEffect() {
    HistoryOp failed = write(0, K, 1, Status.FAIL, -1, 1, 2);
    assertThat(ok(failed, read(1, null, 3, 4))).isTrue();
    assertThat(ok(failed, read(1, 1, 3, 4))).isFalse();
  }

  @Test
  void versionsMustIncreaseByOnePerWrite() {
    assertThat(
            ok(
                write(0, K, 1, Status.OK, 1, 1, 2),
                write(1, K, 2, Status.OK, 2, 3, 4),
                read(2, K, 2, 2, 5, 6)))
        .isTrue();
    // two writes reported at the same version: one of them was applied twice or lost
    assertThat(ok(write(0, K, 1, Status.OK, 1, 1, 2), write(1, K, 2, Status.OK, 1, 3, 4)))
        .isFalse();
    // a write applied twice shows as a version gap
    assertThat(ok(write(0, K, 1, Status.OK, 1, 1, 2), read(1, K, 1, 2, 3, 4))).isFalse();
  }

  @Test
  void keysAreCheckedIndependently() {
    LinearizabilityChecker.Result r =
        new LinearizabilityChecker()
            .check(
                List.of(
                    write(0, K, 1, Status.OK, -1, 1, 2),
                    write(0, K2, 5, Status.OK, -1, 3, 4),
                    read(1, K, 1, -1, 5, 6),
                    read(1, K2, null, -1, 7, 8)));
    assertThat(r.linearizable()).isFalse();
    assertThat(r.badKey()).isEqualTo(K2);
    assertThat(r.explanation()).contains("not linearizable on key k2");
  }

  /** Histories produced by a sequential register with random overlaps must always pass. */
  @Test
  void acceptsRandomLinearizableHistories() {
    for (int seed = 0; seed < 300; seed++) {
      Random rnd = new Random(seed);
      assertThat(ok(randomLinearizableHistory(rnd, 60, 6).toArray(HistoryOp[]::new)))
          .as("seed %d", seed)
          .isTrue();
    }
  }

  /** Mutating one observation of a valid history is (usually) caught; never a crash. */
  @Test
  void rejectsCorruptedReads() {
    int caught = 0;
    for (int seed = 0; seed < 200; seed++) {
      Random rnd = new Random(seed);
      List<HistoryOp> h = randomLinearizableHistory(rnd, 40, 4);
      // the last read of the history sees a value nobody wrote
      for (int i = h.size() - 1; i >= 0; i--) {
        HistoryOp op = h.get(i);
        if (op.kind() == Kind.READ) {
          h.set(i, read(op.process(), 999, op.invokeTime(), op.completeTime()));
          caught += ok(h.toArray(HistoryOp[]::new)) ? 0 : 1;
          break;
        }
      }
    }
    assertThat(caught).isGreaterThan(150);
  }

  /**
   * Runs operations of {@code procs} processes against a sequential register: each operation takes
   * effect at a random instant between its invocation and completion.
   */
  private static List<HistoryOp> randomLinearizableHistory(Random rnd, int nOps, int procs) {
    record Pending(int proc, Kind kind, Integer val, Integer exp, long t0, long effectAt) {}
    List<HistoryOp> out = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    Integer reg = null;
    long version = 0;
    int nextVal = 1;
    long t = 0;
    boolean[] busy = new boolean[procs];
    int started = 0;
    while (started < nOps || !pending.isEmpty()) {
      t++;
      int p = rnd.nextInt(procs);
      if (started < nOps && !busy[p] && rnd.nextBoolean()) {
        int k = rnd.nextInt(3);
        Kind kind = k == 0 ? Kind.READ : k == 1 ? Kind.WRITE : Kind.CAS;
        Integer exp = rnd.nextBoolean() ? reg : (Integer) rnd.nextInt(nextVal + 1);
        pending.add(new Pending(p, kind, nextVal++, exp, t, t + 1 + rnd.nextInt(5)));
        busy[p] = true;
        started++;
        continue;
      }
      // apply every op whose effect instant passed, then complete it a bit later
      for (int i = 0; i < pending.size(); i++) {
        Pending op = pending.get(i);
        if (op.effectAt() > t) {
          continue;
        }
        pending.remove(i--);
        long t1 = ++t;
        switch (op.kind()) {
          case READ -> out.add(read(op.proc(), K, reg, version, op.t0(), t1));
          case WRITE -> {
            reg = op.val();
            version++;
            out.add(write(op.proc(), K, reg, Status.OK, version, op.t0(), t1));
          }
          case CAS -> {
            boolean applied = java.util.Objects.equals(reg, op.exp());
            if (applied) {
              reg = op.val();
              version++;
              out.add(cas(op.proc(), op.exp(), op.val(), true, op.t0(), t1));
            } else if (!java.util.Objects.equals(reg, op.exp())) {
              out.add(casNotApplied(op.proc(), op.exp(), op.val(), reg, op.t0(), t1));
            }
          }
        }
        busy[op.proc()] = false;
      }
    }
    return out;
  }

  /** Increments a decimal register; absent counts as 0; skips at 3 (a bounded counter). */
  private static final io.quorumkv.replication.paxos.Operation.UpdateFunction INC =
      (cur, ver) -> {
        int n = cur == null ? 0 : Integer.parseInt(cur.toString());
        return n >= 3
            ? io.quorumkv.replication.paxos.Operation.Decision.SKIP
            : new io.quorumkv.replication.paxos.Operation.Decision.Write(v(n + 1));
      };

  private static HistoryOp update(
      int p, Status st, boolean applied, Integer observed, long t0, long t1) {
    return new HistoryOp(
        p,
        K,
        Kind.UPDATE,
        null,
        null,
        st,
        applied,
        observed == null ? null : v(observed),
        -1,
        t0,
        t1,
        INC,
        st == Status.OK);
  }

  @Test
  void updatesAreCheckedByApplyingTheirFunctionToTheModel() {
    // two increments from absent: 1 then 2
    assertThat(ok(update(0, Status.OK, true, 1, 1, 2), update(1, Status.OK, true, 2, 3, 4)))
        .isTrue();
    // two sequential increments cannot both have written 1 (a lost update)
    assertThat(ok(update(0, Status.OK, true, 1, 1, 2), update(1, Status.OK, true, 1, 3, 4)))
        .isFalse();
    // concurrent ones can be ordered either way, but still not both write 1
    assertThat(ok(update(0, Status.OK, true, 2, 1, 4), update(1, Status.OK, true, 1, 2, 3)))
        .isTrue();
    assertThat(ok(update(0, Status.OK, true, 1, 1, 4), update(1, Status.OK, true, 1, 2, 3)))
        .isFalse();
    // the bound: a not-applied update must have seen 3
    assertThat(ok(write(0, 3, 1, 2), update(1, Status.OK, false, 3, 3, 4))).isTrue();
    assertThat(ok(write(0, 2, 1, 2), update(1, Status.OK, false, 2, 3, 4))).isFalse();
    // an unknown increment may explain a later read of 2
    assertThat(
            ok(
                update(0, Status.OK, true, 1, 1, 2),
                update(1, Status.INFO, false, null, 3, INF),
                read(2, 2, 5, 6)))
        .isTrue();
    assertThat(ok(update(0, Status.OK, true, 1, 1, 2), read(2, 2, 5, 6))).isFalse();
  }
}
