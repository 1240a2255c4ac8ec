/**
 * Calcite planning that turns statements into key accesses and per-key compare-and-set (issue 4).
 */
package io.quorumkv.planner;
