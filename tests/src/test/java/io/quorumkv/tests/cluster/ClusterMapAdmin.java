package io.quorumkv.tests.cluster;

import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMapCodec;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import io.quorumkv.server.cluster.ClusterManager;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The cluster map as an operator tool sees it through the native client: read linearizably from its
 * metadata key, waited on, and changed by compare-and-set on its stored version.
 */
final class ClusterMapAdmin {
  private ClusterMapAdmin() {}

  /** The map and the Paxos version of its key. */
  record Stored(ClusterMap map, long version) {}

  /** The stored map, or {@code null} if there is none or it cannot be read now. */
  static Stored read(QuorumClient admin) throws InterruptedException {
    try {
      Outcome.ReadOk r = admin.get(ClusterManager.mapKey()).get(30, TimeUnit.SECONDS);
      return r.value() == null
          ? null
          : new Stored(ClusterMapCodec.decode(r.value().toByteArray()), r.version());
    } catch (ExecutionException | TimeoutException e) {
      return null; // a node is down or the metadata group is electing: poll again
    }
  }

  /** Polls until the stored map satisfies {@code done} (180 s at most) and returns it. */
  static ClusterMap await(QuorumClient admin, String what, Predicate<ClusterMap> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Stored last = null;
    while (System.nanoTime() < deadline) {
      Stored s = read(admin);
      if (s != null) {
        last = s;
        if (done.test(s.map())) {
          return s.map();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the cluster map never got " + what + "; last: " + last);
  }

  /** Changes the map by compare-and-set on its stored version, retrying while others change it. */
  static void change(QuorumClient admin, UnaryOperator<ClusterMap> change) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      Stored s = read(admin);
      if (s == null) {
        Thread.sleep(50);
        continue;
      }
      ClusterMap next;
      try {
        next = change.apply(s.map());
      } catch (IllegalArgumentException e) {
        Thread.sleep(50); // e.g. a split during a move: wait for it to finish
        continue;
      }
      CasResult r =
          admin
              .updateIfVersion(
                  ClusterManager.mapKey(), s.version(), Bytes.wrap(ClusterMapCodec.encode(next)))
              .get(30, TimeUnit.SECONDS);
      if (r instanceof CasResult.Applied) {
        return;
      }
      Stored after = read(admin);
      if (r instanceof CasResult.Unknown && after != null && after.map().equals(next)) {
        return; // the write applied after all
      }
    }
    throw new AssertionError("could not change the cluster map");
  }
}
