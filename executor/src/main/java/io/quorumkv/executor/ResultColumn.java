package io.quorumkv.executor;

import io.quorumkv.planner.schema.ColumnType;

/**
 * One column of a statement's result.
 *
 * @param name the column's label (a select item's alias, a column's name, or {@code applied})
 * @param type its type; values are {@link ColumnType}'s canonical Java values
 * @param nullable whether it may be NULL
 */
public record ResultColumn(String name, ColumnType type, boolean nullable) {}
