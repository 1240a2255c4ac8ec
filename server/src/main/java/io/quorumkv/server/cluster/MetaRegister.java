package io.quorumkv.server.cluster;

import io.quorumkv.replication.node.NodeTopology;
import io.quorumkv.replication.node.ReplicaNode;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Operation;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.replication.paxos.RequestId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One metadata key of the cluster, read linearizably and changed only by compare-and-set on its
 * Paxos version, through the local node (which forwards when it is not in the metadata group).
 * Blocking: for the cluster manager's own thread, never a Netty or replica thread.
 */
final class MetaRegister {
  /** A value and the version it was chosen at (0 and {@code null}: never written). */
  record Versioned(byte[] value, long version) {}

  private final ReplicaNode node;
  private final Bytes key;
  private final long timeoutMillis;
  private final long clientId = new SecureRandom().nextLong() >>> 1;
  private final AtomicLong seq = new AtomicLong();

  MetaRegister(ReplicaNode node, String name, long timeoutMillis) {
    this.node = node;
    this.key = keyOf(name);
    this.timeoutMillis = timeoutMillis;
  }

  /** The store key of metadata key {@code name}. */
  static Bytes keyOf(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = Arrays.copyOf(NodeTopology.META_PREFIX, NodeTopology.META_PREFIX.length + n.length);
    System.arraycopy(n, 0, k, NodeTopology.META_PREFIX.length, n.length);
    return Bytes.wrap(k);
  }

  /** The current value, read linearizably. */
  Versioned read() throws ClusterMapUnavailableException, InterruptedException {
    Outcome o = call(new Operation.Read(), null, false);
    if (o instanceof Outcome.ReadOk r) {
      return new Versioned(r.value() == null ? null : r.value().toByteArray(), r.version());
    }
    throw new ClusterMapUnavailableException("cannot read " + key + ": " + o);
  }

  /**
   * Writes {@code value} if the register is still at {@code expectedVersion}; returns whether it
   * did. A write whose outcome is unknown is retried under the same request id, so it applies at
   * most once and is reported as applied if an earlier attempt applied it.
   */
  boolean compareAndSet(long expectedVersion, byte[] value)
      throws ClusterMapUnavailableException, InterruptedException {
    RequestId id = new RequestId(clientId, seq.incrementAndGet());
    Operation op = new Operation.CasVersion(expectedVersion, Bytes.copyOf(value));
    boolean retry = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * timeoutMillis);
    while (true) {
      Outcome o = call(op, id, retry);
      if (o instanceof CasResult.Applied) {
        return true;
      }
      if (o instanceof CasResult.NotApplied) {
        return false;
      }
      if (o instanceof CasResult.Unknown) {
        // A retried CAS whose condition fails is reported unknown too: decide by reading.
        Versioned now = read();
        if (now.version() > expectedVersion) {
          return now.value() != null && Arrays.equals(now.value(), value);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterMapUnavailableException("cannot write " + key + ": " + o);
      }
      retry = true;
      Thread.sleep(50);
    }
  }

  private Outcome call(Operation op, RequestId id, boolean retry)
      throws ClusterMapUnavailableException, InterruptedException {
    try {
      return node.submit(key, op, id, retry, timeoutMillis)
          .get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ClusterMapUnavailableException("no answer for " + key + ": " + e);
    }
  }
}
