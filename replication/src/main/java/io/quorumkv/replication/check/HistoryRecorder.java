package io.quorumkv.replication.check;

import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryOp.Status;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records invocations and completions as they happen and turns them into {@link HistoryOp}s.
 * Operations still open at the end count as {@link Status#INFO}. Not thread-safe (callers on
 * several threads synchronize).
 */
public final class HistoryRecorder {
  private record Open(
      int process,
      Bytes key,
      Kind kind,
      Bytes value,
      Bytes expected,
      Operation.UpdateFunction update,
      long t) {}

  private final Map<Integer, Open> open = new HashMap<>();
  private final List<HistoryOp> done = new ArrayList<>();
  private int nextHandle;
  private long clock;

  /** Records an invocation; returns a handle for its completion. */
  public int invoke(int process, Bytes key, Kind kind, Bytes value, Bytes expected) {
    int h = nextHandle++;
    open.put(h, new Open(process, key, kind, value, expected, null, ++clock));
    return h;
  }

  /** Records the invocation of an update applying {@code function}; returns a handle. */
  public int invokeUpdate(int process, Bytes key, Operation.UpdateFunction function) {
    int h = nextHandle++;
    open.put(h, new Open(process, key, Kind.UPDATE, null, null, function, ++clock));
    return h;
  }

  /** Completes an update that applied, writing {@code written} at {@code version}. */
  public void okUpdated(int handle, Bytes written, long version) {
    complete(handle, Status.OK, true, written, version, true);
  }

  /** Completes a read that saw {@code observed} at {@code version} (-1 if unknown). */
  public void okRead(int handle, Bytes observed, long version) {
    complete(handle, Status.OK, false, observed, version);
  }

  /** Completes a write or an applied CAS at {@code version} (-1 if unknown). */
  public void okApplied(int handle, long version) {
    complete(handle, Status.OK, true, null, version);
  }

  /** Completes a CAS that did not apply because the register held {@code current}. */
  public void okNotApplied(int handle, Bytes current, long version) {
    complete(handle, Status.OK, false, current, version);
  }

  /** The operation definitely did not take effect. */
  public void fail(int handle) {
    complete(handle, Status.FAIL, false, null, -1);
  }

  /** The outcome is unknown. */
  public void info(int handle) {
    complete(handle, Status.INFO, false, null, -1);
  }

  private void complete(int handle, Status status, boolean applied, Bytes observed, long v) {
    complete(handle, status, applied, observed, v, observed != null || !applied);
  }

  private void complete(
      int handle, Status status, boolean applied, Bytes observed, long v, boolean observedKnown) {
    Open o = open.remove(handle);
    if (o == null) {
      throw new IllegalStateException("no open operation " + handle);
    }
    long end = status == Status.INFO ? Long.MAX_VALUE : ++clock;
    done.add(
        new HistoryOp(
            o.process,
            o.key,
            o.kind,
            o.value,
            o.expected,
            status,
            applied,
            observed,
            v,
            o.t,
            end,
            o.update,
            observedKnown));
  }

  /** The history so far; still-open operations are reported as {@link Status#INFO}. */
  public List<HistoryOp> history() {
    List<HistoryOp> all = new ArrayList<>(done);
    for (Open o : open.values()) {
      all.add(
          new HistoryOp(
              o.process,
              o.key,
              o.kind,
              o.value,
              o.expected,
              Status.INFO,
              false,
              null,
              -1,
              o.t,
              Long.MAX_VALUE,
              o.update,
              false));
    }
    return all;
  }
}
