package io.quorumkv.planner.rel;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;

/**
 * A relational expression in QuorumKV's own calling convention: evaluated by reading rows of the
 * replicated store directly (point gets, multi-gets, key-range scans), below Calcite's Enumerable
 * operators, which do everything else.
 */
public interface QkvRel extends RelNode {

  /** The convention of nodes that read the store. */
  Convention CONVENTION = new Convention.Impl("QKV", QkvRel.class);
}
