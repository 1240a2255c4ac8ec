package io.quorumkv.bench.jdbc;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.nio.ByteBuffer;

/**
 * A benchmark client over the shared native {@link QuorumClient}: each thread has one request in
 * flight at a time (blocking on the future), so N threads are N concurrent requests, as N JDBC
 * connections are.
 */
final class NativeClient implements BenchClient {

  private final QuorumClient client;

  NativeClient(QuorumClient client) {
    this.client = client;
  }

  static Bytes key(long k) {
    return Bytes.utf8("bench-" + k);
  }

  static Bytes value(long v) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(v).array());
  }

  private static long decode(Bytes value) {
    return ByteBuffer.wrap(value.toByteArray()).getLong();
  }

  private Outcome.ReadOk get(long k) {
    Outcome.ReadOk ok = client.get(key(k)).join();
    if (ok.value() == null) {
      throw new IllegalStateException("key " + k + " is missing");
    }
    return ok;
  }

  @Override
  public long read(long k) {
    return decode(get(k).value());
  }

  @Override
  public boolean readThenCas(long k) {
    Outcome.ReadOk ok = get(k);
    CasResult r = client.cas(key(k), ok.value(), value(decode(ok.value()) + 1)).join();
    return r instanceof CasResult.Applied;
  }

  @Override
  public void close() {}
}
