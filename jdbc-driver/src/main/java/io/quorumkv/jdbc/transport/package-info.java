/**
 * The driver's transport: Avatica's serialized protobuf requests carried in QuorumKV's
 * length-prefixed frames over one TCP connection per JDBC connection, with failover between the
 * seed nodes of the URL. Plugged into Avatica's remote driver through its {@code
 * httpclient_factory} connection property (see {@link io.quorumkv.jdbc.transport.FrameTransport}).
 */
package io.quorumkv.jdbc.transport;
