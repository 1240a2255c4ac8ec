package io.quorumkv.planner.sql;

import io.quorumkv.planner.schema.ColumnType;

/**
 * One column of a planned query's result.
 *
 * @param name its label
 * @param type its type
 * @param nullable whether it may be NULL
 */
public record QueryColumn(String name, ColumnType type, boolean nullable) {}
