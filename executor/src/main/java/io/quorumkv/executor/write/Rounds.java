package io.quorumkv.executor.write;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Runs one row's read-modify-write round and turns what {@code decide} could not express as a
 * {@link Mutation} (a data error, a row under a newer schema) into exceptions after the round. The
 * error of the round that counted is the one reported: {@code decide} may run several times and
 * each run starts afresh.
 */
final class Rounds {

  private static final int STALE_RETRIES = 5;

  private Rounds() {}

  /** What a round's decide function computes given the table definition and the current value. */
  interface Decide extends BiFunction<TableDef, VersionedValue, Mutation> {}

  /**
   * Runs {@code decide} on {@code key}; refreshes the table's definition and retries when the row
   * was written under a newer schema.
   *
   * @param table holds the definition to use; updated when a newer one is fetched
   */
  static WriteOutcome run(
      WriteContext ctx, AtomicReference<TableDef> table, byte[] key, Decide decide) {
    for (int attempt = 0; ; attempt++) {
      TableDef def = table.get();
      AtomicReference<RuntimeException> error = new AtomicReference<>();
      WriteOutcome outcome;
      try {
        outcome =
            ctx.store()
                .update(
                    key,
                    current -> {
                      error.set(null);
                      try {
                        return decide.apply(def, current);
                      } catch (QueryException | TableRows.StaleSchema e) {
                        error.set(e);
                        return Mutation.SKIP;
                      }
                    },
                    ctx.requestIds().get())
                .join();
      } catch (CompletionException e) {
        throw unwrap(e);
      }
      RuntimeException failure = error.get();
      if (failure == null) {
        return outcome;
      }
      if (!(failure instanceof TableRows.StaleSchema) || attempt >= STALE_RETRIES) {
        if (failure instanceof TableRows.StaleSchema) {
          throw new QueryException(
              QueryException.SCHEMA_CHANGED, "the table's schema kept changing; retry");
        }
        throw failure;
      }
      table.set(refresh(ctx, def));
    }
  }

  /** The current definition of {@code def}'s table, which must still be the same table. */
  static TableDef refresh(WriteContext ctx, TableDef def) {
    TableDef fresh =
        ctx.catalog()
            .fresh(def.name())
            .orElseThrow(
                () ->
                    new QueryException(
                        QueryException.UNDEFINED_TABLE,
                        "table " + def.name() + " was dropped while the statement ran"));
    if (fresh.id() != def.id()) {
      throw new QueryException(
          QueryException.UNDEFINED_TABLE,
          "table " + def.name() + " was dropped and re-created while the statement ran");
    }
    return fresh;
  }

  static RuntimeException unwrap(CompletionException e) {
    Throwable c = e.getCause();
    if (c instanceof OutcomeUnknownException u) {
      return new QueryException(
          QueryException.OUTCOME_UNKNOWN,
          "the write may or may not have been applied: " + u.getMessage(),
          0,
          0,
          0,
          u);
    }
    if (c instanceof RuntimeException r) {
      return r;
    }
    return e;
  }

  /** Reads a key; maps store failures like {@link #run}. */
  static VersionedValue get(KeyValueStore store, byte[] key) {
    try {
      return store.get(key).join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }
}
