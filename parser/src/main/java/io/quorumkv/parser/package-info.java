/**
 * The parser of QuorumKV's SQL dialect (docs/sql.md): {@link io.quorumkv.parser.SqlParser} turns
 * text into the typed syntax tree of {@link io.quorumkv.parser.ast}, or throws a {@link
 * io.quorumkv.parser.SqlParseException} saying where and why the text is not valid. The ANTLR
 * grammar and its generated classes ({@code io.quorumkv.parser.grammar}) stay behind this API.
 */
package io.quorumkv.parser;
