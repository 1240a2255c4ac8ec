/**
 * The Netty transport: between replicas, length-prefixed binary frames with a version byte, each
 * carrying many protocol messages (and node-level messages such as key listings) from one sender
 * (dynamic merging: messages written within one event-loop turn leave in one frame and one flush;
 * an idle channel adds no delay); between clients and nodes, the tagged request/response frames of
 * {@link io.quorumkv.replication.transport.ClientCodec}. A malformed or oversized frame closes that
 * connection with a logged error and never harms the node.
 */
package io.quorumkv.replication.transport;
