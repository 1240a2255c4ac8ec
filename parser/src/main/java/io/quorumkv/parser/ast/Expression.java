package io.quorumkv.parser.ast;

/** A scalar or boolean expression. */
public sealed interface Expression extends Node
    permits Literal,
        Parameter,
        ColumnRef,
        VersionRef,
        Unary,
        Binary,
        IsNull,
        InList,
        Between,
        Like,
        Cast,
        Case,
        InSubquery,
        Exists,
        ScalarSubquery,
        FunctionCall,
        CountStar {}
