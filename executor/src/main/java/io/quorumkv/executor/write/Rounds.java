package io.quorumkv.executor.write;

import io.quorumkv.executor.store.KeyValueStore;
import io.quorumkv.executor.store.Mutation;
import io.quorumkv.executor.store.OutcomeUnknownException;
import io.quorumkv.executor.store.VersionedValue;
import io.quorumkv.executor.store.WriteOutcome;
import io.quorumkv.planner.QueryException;
import io.quorumkv.planner.schema.TableDef;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
   * was written under a newer schema. Blocks until the outcome is known: {@link #runAsync} and a
   * join.
   *
   * @param table holds the definition to use; updated when a newer one is fetched
   */
  static WriteOutcome run(
      WriteContext ctx, AtomicReference<TableDef> table, byte[] key, Decide decide) {
    return join(runAsync(ctx, table, key, decide));
  }

  /**
   * As {@link #run}, without blocking: the future completes on the store's thread with the outcome,
   * or exceptionally with what {@link #run} would throw ({@link #unwrap mapped} store failures,
   * {@code decide}'s errors). Never throws: once this is called, the store may have been asked to
   * write, so every outcome is the future's. A refresh after a row under a newer schema reads the
   * catalog without blocking too.
   *
   * @param table holds the definition to use; updated when a newer one is fetched
   */
  static CompletableFuture<WriteOutcome> runAsync(
      WriteContext ctx, AtomicReference<TableDef> table, byte[] key, Decide decide) {
    return attempt(ctx, table, key, decide, 0);
  }

  private static CompletableFuture<WriteOutcome> attempt(
      WriteContext ctx, AtomicReference<TableDef> table, byte[] key, Decide decide, int attempt) {
    TableDef def = table.get();
    AtomicReference<RuntimeException> error = new AtomicReference<>();
    CompletableFuture<WriteOutcome> round;
    try {
      round =
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
                  ctx.requestIds().get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return round
        .handle(
            (outcome, storeFailure) -> {
              if (storeFailure != null) {
                return CompletableFuture.<WriteOutcome>failedFuture(unwrap(storeFailure));
              }
              RuntimeException failure = error.get();
              if (failure == null) {
                return CompletableFuture.completedFuture(outcome);
              }
              if (!(failure instanceof TableRows.StaleSchema)) {
                return CompletableFuture.<WriteOutcome>failedFuture(failure);
              }
              if (attempt >= STALE_RETRIES) {
                return CompletableFuture.<WriteOutcome>failedFuture(
                    new QueryException(
                        QueryException.SCHEMA_CHANGED, "the table's schema kept changing; retry"));
              }
              return refreshAsync(ctx, def)
                  .thenCompose(
                      fresh -> {
                        table.set(fresh);
                        return attempt(ctx, table, key, decide, attempt + 1);
                      });
            })
        .thenCompose(f -> f);
  }

  /** The current definition of {@code def}'s table, which must still be the same table. */
  static TableDef refresh(WriteContext ctx, TableDef def) {
    return sameTable(def, ctx.catalog().fresh(def.name()));
  }

  /**
   * As {@link #refresh}, without blocking: completes on the store's thread, exceptionally with
   * {@link #refresh}'s errors or the {@link #unwrap mapped} store failure.
   */
  static CompletableFuture<TableDef> refreshAsync(WriteContext ctx, TableDef def) {
    CompletableFuture<Optional<TableDef>> read;
    try {
      read = ctx.catalog().freshAsync(def.name());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return read.handle(
            (fresh, failure) ->
                failure != null
                    ? CompletableFuture.<TableDef>failedFuture(unwrap(failure))
                    : CompletableFuture.completedFuture(sameTable(def, fresh)))
        .thenCompose(f -> f);
  }

  private static TableDef sameTable(TableDef def, Optional<TableDef> now) {
    TableDef fresh =
        now.orElseThrow(
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

  /**
   * Waits for {@code future} and throws its failure as the blocking paths do: the cause of a {@link
   * CompletionException}, {@link #unwrap mapped}.
   */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  /**
   * A store failure as the statement reports it: an {@link OutcomeUnknownException} becomes a
   * {@link QueryException} with SQLState {@link QueryException#OUTCOME_UNKNOWN}; the cause of a
   * {@link CompletionException} is looked at, and returned when it is unchecked.
   */
  static RuntimeException unwrap(Throwable failure) {
    Throwable c = failure instanceof CompletionException e ? e.getCause() : failure;
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
    return failure instanceof CompletionException e ? e : new CompletionException(failure);
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
