/** The read side of planned queries: rows from the store by point gets and key-range scans. */
package io.quorumkv.executor.read;
