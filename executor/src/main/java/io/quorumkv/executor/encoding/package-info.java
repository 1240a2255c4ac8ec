/**
 * How rows become keys and values: an order-preserving encoding of primary-key values (so a
 * primary-key range is a key range and a key prefix is a primary-key prefix) and a compact,
 * schema-versioned encoding of whole rows. Both are documented byte by byte in {@code
 * executor/ENCODING.md}.
 */
package io.quorumkv.executor.encoding;
