/**
 * The typed, immutable syntax tree of QuorumKV's SQL dialect, as produced by {@link
 * io.quorumkv.parser.SqlParser}: sealed interfaces ({@link io.quorumkv.parser.ast.Statement},
 * {@link io.quorumkv.parser.ast.Expression}, {@link io.quorumkv.parser.ast.Relation}, ...) whose
 * implementations are records. Every node carries the {@link io.quorumkv.parser.ast.SourcePos}
 * where it starts so later phases (planning, execution) can report errors at the right place.
 *
 * <p>The tree is syntactic: names are not resolved and types are not checked; identifiers are
 * already normalized (unquoted ones upper-cased) and literals already validated. {@link
 * io.quorumkv.parser.ast.AstPrinter} turns any tree back into canonical SQL that parses to an equal
 * tree (positions aside). All nodes are immutable and safe to share between threads.
 */
package io.quorumkv.parser.ast;
