package io.quorumkv.parser.ast;

/**
 * The {@code IF ...} clause of an {@code UPDATE} or {@code DELETE}: checked against the current row
 * inside the same replicated round as the write, so condition and write are atomic.
 */
public sealed interface WriteCondition extends Node permits IfExists, IfCondition {}
