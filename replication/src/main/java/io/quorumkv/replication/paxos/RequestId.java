package io.quorumkv.replication.paxos;

/**
 * Identifies one client write for exactly-once retries: a client id unique among live clients and a
 * sequence number that grows with each new request of that client. A retry reuses the id.
 *
 * @param clientId the client
 * @param seq the client's request sequence number
 */
public record RequestId(long clientId, long seq) {
  @Override
  public String toString() {
    return clientId + ":" + seq;
  }
}
