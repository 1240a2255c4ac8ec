/** The replication core: leaderless per-key Paxos over the storage SPI (issue 3; to be filled). */
package io.quorumkv.replication;
