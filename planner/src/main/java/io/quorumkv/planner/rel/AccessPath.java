package io.quorumkv.planner.rel;

/** How a scan reaches a table's rows, cheapest first. */
public enum AccessPath {
  /** Every key column is fixed: one point read. */
  PK_POINT_QUERY,
  /** The key is one of a list of keys (an IN list): one point read per key. */
  PK_MULTI_GET,
  /** A key prefix is fixed and/or the next key column is bounded: one key-range scan. */
  PK_RANGE_QUERY,
  /** Nothing about the key is known: the table's whole key range. */
  FULL_SCAN
}
