/**
 * The driver's transport: Avatica's requests (protobuf, or the compact encoding for executions of
 * prepared statements) carried in QuorumKV's length-prefixed frames, multiplexed over one shared
 * TCP connection per node, with failover between the seed nodes of the URL. Plugged into Avatica's
 * remote driver through its {@code factory} connection property ({@link
 * io.quorumkv.jdbc.transport.QuorumServiceFactory}); see {@link
 * io.quorumkv.jdbc.transport.FrameTransport}.
 */
package io.quorumkv.jdbc.transport;
