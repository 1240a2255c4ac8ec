package io.quorumkv.parser.ast;

/** What a query reads from: a table, a subquery, or a join of relations. */
public sealed interface Relation extends Node permits TableRef, DerivedTable, Join {}
