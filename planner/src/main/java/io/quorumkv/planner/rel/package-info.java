/**
 * QuorumKV's calling convention in Calcite: the table scan that reads the store by a {@link
 * io.quorumkv.planner.rel.KeyCondition}'s access path, its bridge to the Enumerable convention, and
 * the {@link io.quorumkv.planner.rel.RowSource} port the executor implements.
 */
package io.quorumkv.planner.rel;
