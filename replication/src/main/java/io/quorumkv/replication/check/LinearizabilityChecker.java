package io.quorumkv.replication.check;

import io.quorumkv.replication.check.HistoryOp.Kind;
import io.quorumkv.replication.check.HistoryOp.Status;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.Operation.Decision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that a history of register operations is linearizable, key by key (a history is
 * linearizable iff its restriction to every key is: P-compositionality).
 *
 * <p>The model is a versioned register starting absent at version 0: every write that takes effect
 * (put, delete, applied CAS or update) increments the version. An update applies the client's own
 * function to the model state, so its result is checked, not trusted. Reported versions are checked
 * when present. {@link Status#FAIL} operations and unknown reads are dropped; unknown writes may be
 * linearized anywhere after their invocation, or not at all.
 *
 * <p>Search: Wing & Gong's algorithm as improved by Lowe ("Testing for linearizability", 2017):
 * depth-first over the entries ordered by time, lifting a call whose operation the model accepts,
 * backtracking at a return whose operation was not yet linearized, and never revisiting a
 * (linearized set, model state) pair. Thread-safe (stateless).
 */
public final class LinearizabilityChecker {

  /**
   * The verdict.
   *
   * @param linearizable whether every key's history is linearizable (false if inconclusive)
   * @param inconclusive whether the search budget ran out on some key
   * @param badKey the first key found not linearizable (or inconclusive), else {@code null}
   * @param explanation a human-readable account of the bad key's history, else empty
   * @param opsChecked the number of operations that entered the search
   */
  public record Result(
      boolean linearizable,
      boolean inconclusive,
      Bytes badKey,
      String explanation,
      int opsChecked) {}

  private final long budget;

  /** A checker with a budget of {@code maxStepsPerKey} search steps per key. */
  public LinearizabilityChecker(long maxStepsPerKey) {
    this.budget = maxStepsPerKey;
  }

  /** A checker with a budget of 10 million steps per key. */
  public LinearizabilityChecker() {
    this(10_000_000);
  }

  /** Checks {@code history}. */
  public Result check(List<HistoryOp> history) {
    Map<Bytes, List<HistoryOp>> byKey = new LinkedHashMap<>();
    for (HistoryOp op : history) {
      if (op.status() == Status.FAIL || (op.status() == Status.INFO && op.kind() == Kind.READ)) {
        continue;
      }
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    int checked = 0;
    for (Map.Entry<Bytes, List<HistoryOp>> e : byKey.entrySet()) {
      checked += e.getValue().size();
      Verdict v = checkKey(e.getValue());
      if (v != Verdict.OK) {
        return new Result(
            false, v == Verdict.BUDGET, e.getKey(), explain(e.getKey(), e.getValue(), v), checked);
      }
    }
    return new Result(true, false, null, "", checked);
  }

  private enum Verdict {
    OK,
    VIOLATION,
    BUDGET
  }

  private static String explain(Bytes key, List<HistoryOp> ops, Verdict v) {
    StringBuilder sb = new StringBuilder();
    sb.append(v == Verdict.BUDGET ? "search budget exhausted" : "not linearizable")
        .append(" on key ")
        .append(key)
        .append(" (")
        .append(ops.size())
        .append(" ops):\n");
    ops.stream()
        .sorted(Comparator.comparingLong(HistoryOp::invokeTime))
        .forEach(op -> sb.append("  ").append(op).append('\n'));
    return sb.toString();
  }

  /** One call or return event in the doubly linked entry list (dancing links). */
  private static final class Entry {
    final int id;
    final HistoryOp op;
    final boolean isCall;
    final long time;
    Entry match; // the call's return entry; null for unknown operations
    Entry prev;
    Entry next;

    Entry(int id, HistoryOp op, boolean isCall, long time) {
      this.id = id;
      this.op = op;
      this.isCall = isCall;
      this.time = time;
    }
  }

  private record State(Bytes value, long version) {}

  private record Memo(BitSet linearized, State state) {}

  private record Frame(Entry call, State before) {}

  /** The model: the state after {@code op} from {@code s}, or {@code null} if impossible. */
  private static State step(State s, HistoryOp op) {
    boolean known = op.status() == Status.OK;
    switch (op.kind()) {
      case READ -> {
        boolean ok =
            Objects.equals(s.value(), op.observed())
                && (op.version() < 0 || op.version() == s.version());
        return ok ? s : null;
      }
      case WRITE -> {
        if (known && op.version() >= 0 && op.version() != s.version() + 1) {
          return null;
        }
        return new State(op.value(), s.version() + 1);
      }
      case CAS -> {
        if (known && !op.applied()) {
          boolean ok =
              Objects.equals(s.value(), op.observed())
                  && !Objects.equals(op.observed(), op.expected())
                  && (op.version() < 0 || op.version() == s.version());
          return ok ? s : null;
        }
        if (!Objects.equals(s.value(), op.expected())) {
          return null;
        }
        if (known && op.version() >= 0 && op.version() != s.version() + 1) {
          return null;
        }
        return new State(op.value(), s.version() + 1);
      }
      case UPDATE -> {
        Decision d;
        try {
          d = op.update().apply(s.value(), s.version());
        } catch (RuntimeException e) {
          return null; // the function refuses this state: the operation cannot be placed here
        }
        if (d instanceof Decision.Write w) {
          if (known
              && (!op.applied()
                  || (op.version() >= 0 && op.version() != s.version() + 1)
                  || (op.observedKnown() && !Objects.equals(op.observed(), w.value())))) {
            return null;
          }
          return new State(w.value(), s.version() + 1);
        }
        if (known
            && (op.applied()
                || !Objects.equals(s.value(), op.observed())
                || (op.version() >= 0 && op.version() != s.version()))) {
          return null;
        }
        return s;
      }
    }
    throw new AssertionError(op.kind());
  }

  private Verdict checkKey(List<HistoryOp> ops) {
    List<Entry> entries = new ArrayList<>(ops.size() * 2);
    int returns = 0;
    for (int i = 0; i < ops.size(); i++) {
      HistoryOp op = ops.get(i);
      Entry call = new Entry(i, op, true, op.invokeTime());
      entries.add(call);
      if (op.status() == Status.OK) {
        Entry ret = new Entry(i, op, false, op.completeTime());
        call.match = ret;
        entries.add(ret);
        returns++;
      }
    }
    entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.isCall));
    Entry head = new Entry(-1, null, false, Long.MIN_VALUE);
    Entry prev = head;
    for (Entry e : entries) {
      prev.next = e;
      e.prev = prev;
      prev = e;
    }

    State state = new State(null, 0);
    BitSet linearized = new BitSet(ops.size());
    Set<Memo> cache = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    int remaining = returns;
    Entry entry = head.next;
    long steps = 0;
    while (remaining > 0) {
      if (++steps > budget) {
        return Verdict.BUDGET;
      }
      if (entry != null && entry.isCall) {
        State next = step(state, entry.op);
        if (next != null) {
          BitSet lin = (BitSet) linearized.clone();
          lin.set(entry.id);
          if (cache.add(new Memo(lin, next))) {
            stack.push(new Frame(entry, state));
            state = next;
            linearized.set(entry.id);
            lift(entry);
            if (entry.match != null) {
              remaining--;
            }
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        // A return whose call is not linearized (or the end): undo the last choice.
        if (stack.isEmpty()) {
          return Verdict.VIOLATION;
        }
        Frame f = stack.pop();
        state = f.before();
        linearized.clear(f.call().id);
        unlift(f.call());
        if (f.call().match != null) {
          remaining++;
        }
        entry = f.call().next;
      }
    }
    return Verdict.OK;
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
