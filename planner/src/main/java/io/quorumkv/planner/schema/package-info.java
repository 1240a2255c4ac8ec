/**
 * The catalog's model of tables: column types with their value rules, column and table definitions.
 * Shared by planning (which exposes tables to Calcite) and execution (which encodes rows and keys).
 */
package io.quorumkv.planner.schema;
