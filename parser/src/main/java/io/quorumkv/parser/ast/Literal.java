package io.quorumkv.parser.ast;

/** A constant written in the statement. Values are already validated (range, syntax). */
public sealed interface Literal extends Expression
    permits NullLiteral,
        BooleanLiteral,
        IntegerLiteral,
        DecimalLiteral,
        DoubleLiteral,
        StringLiteral,
        BinaryLiteral,
        TimestampLiteral {}
