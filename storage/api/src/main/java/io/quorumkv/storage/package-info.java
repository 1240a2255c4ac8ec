/**
 * The storage engine SPI: the one small interface every engine (memory, Bitcask, RocksDB) and the
 * read cache implement, shaped by what the replication core needs — atomic, durable batches that
 * carry a key's value and its Paxos acceptor state together, point reads, and ordered scans over a
 * consistent view.
 */
package io.quorumkv.storage;
