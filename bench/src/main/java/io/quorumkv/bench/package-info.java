/** Benchmarks of the storage engines and, later, of the whole cluster against its peers. */
package io.quorumkv.bench;
