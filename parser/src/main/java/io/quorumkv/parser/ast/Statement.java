package io.quorumkv.parser.ast;

/** A complete SQL statement, the result of {@link io.quorumkv.parser.SqlParser#parse(String)}. */
public sealed interface Statement extends Node
    permits CreateTable,
        DropTable,
        AddColumn,
        ShowTables,
        DescribeTable,
        Insert,
        Update,
        Delete,
        Select,
        Explain {}
