/**
 * The pure per-key Paxos core: ballots, per-key acceptor state and its binary codec, the sealed
 * message hierarchy, and {@link io.quorumkv.replication.paxos.Replica}, a deterministic state
 * machine that turns inputs (client requests, peer messages, clock ticks) into {@link
 * io.quorumkv.replication.paxos.Effects} (state to persist, then messages and client replies to
 * release). Nothing in this package performs IO, reads a clock, starts threads or draws random
 * numbers of its own; a test pins that. See {@code replication/PAXOS.md} for the invariants and the
 * safety argument.
 */
package io.quorumkv.replication.paxos;
