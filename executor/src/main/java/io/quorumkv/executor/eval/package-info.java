/**
 * The expression evaluator of the write path: AST expressions compiled against one table's row into
 * pure functions over canonical values, with SQL three-valued logic and overflow errors, so
 * conditions and SET values can run inside a key's consensus round.
 */
package io.quorumkv.executor.eval;
