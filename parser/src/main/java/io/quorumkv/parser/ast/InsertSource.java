package io.quorumkv.parser.ast;

/** Where an {@code INSERT} or {@code UPSERT} takes its rows from: literal rows or a query. */
public sealed interface InsertSource extends Node permits Values, Query {}
