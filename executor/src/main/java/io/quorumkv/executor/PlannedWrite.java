package io.quorumkv.executor;

import io.quorumkv.executor.write.WritePlan;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * How a compiled INSERT, UPSERT, UPDATE or DELETE runs: its {@link WritePlan} in the session's
 * write context, blocking ({@link #apply}) or, for a single-key write, not ({@link #applyAsync}).
 * Immutable and thread-safe, as the plan.
 */
final class PlannedWrite implements BiFunction<Object[], SqlSession, StatementResult> {

  private final WritePlan plan;

  PlannedWrite(WritePlan plan) {
    this.plan = plan;
  }

  @Override
  public StatementResult apply(Object[] params, SqlSession session) {
    return plan.execute(params, session.writeContext());
  }

  /** As {@link WritePlan#routingParameters}. */
  int[] routingParameters() {
    return plan.routingParameters();
  }

  /**
   * As {@link WritePlan#executeAsync}: null, before anything was sent to the store, unless the
   * write is one round on one key; else a future that never completes with null.
   */
  CompletableFuture<StatementResult> applyAsync(Object[] params, SqlSession session) {
    return plan.executeAsync(params, session.writeContext());
  }
}
