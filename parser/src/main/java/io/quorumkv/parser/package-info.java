/**
 * The SQL dialect's parser: an ANTLR grammar producing a statement tree (issue 4; to be filled).
 */
package io.quorumkv.parser;
