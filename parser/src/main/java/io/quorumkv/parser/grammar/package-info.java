/**
 * Internal: the lexer, parser and visitor that antlr4-maven-plugin generates from {@code
 * src/main/antlr4/io/quorumkv/parser/grammar/QuorumSql.g4}. Only {@link io.quorumkv.parser} uses
 * these classes; other modules go through {@link io.quorumkv.parser.SqlParser} and the AST in
 * {@link io.quorumkv.parser.ast}, so the grammar can change without breaking them.
 */
package io.quorumkv.parser.grammar;
