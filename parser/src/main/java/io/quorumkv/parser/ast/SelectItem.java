package io.quorumkv.parser.ast;

/** One entry of a select list: {@code *}, {@code t.*} or an expression with an optional alias. */
public sealed interface SelectItem extends Node permits AllColumns, SingleColumn {}
