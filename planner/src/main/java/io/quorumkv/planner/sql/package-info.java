/**
 * SELECT planning: the query's syntax tree translated into Calcite relational algebra with a
 * RelBuilder, optimized by Calcite's cost-based planner over the QKV access paths and Enumerable
 * operators, and compiled once into code that runs against a {@link
 * io.quorumkv.planner.rel.RowSource}.
 */
package io.quorumkv.planner.sql;
