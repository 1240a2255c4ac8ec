package io.quorumkv.server.cluster;

import io.quorumkv.placement.ClusterMap;
import io.quorumkv.placement.ClusterMap.NodeInfo;
import io.quorumkv.placement.ClusterMap.NodeState;
import io.quorumkv.placement.ClusterMapCodec;
import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node that is not one of the cluster's founders enters it: through the native client port of
 * any node already in the cluster (a seed) it reads the cluster map and adds itself to it, active
 * and holding no segment, by compare-and-set on the map's version, exactly as any map change is
 * made. The nodes of the cluster see the new map within a second (or at once, through the hint the
 * write causes), connect to the new node and the leading node's balancer starts moving segments to
 * it.
 *
 * <p>Adding is idempotent: a node that finds itself in the map already, with the same zone and
 * address (it crashed after adding itself, before it stored the map), goes on with that map. A node
 * id in the map with another address or zone, or leaving, is refused: two processes must never
 * share an id.
 */
public final class ClusterJoin {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);
  private static final int ATTEMPTS = 20;
  private static final int UNREACHABLE_ATTEMPTS = 5;

  private ClusterJoin() {}

  /** Why a node could not join; the message says what to do. */
  public static final class JoinException extends Exception {
    private static final long serialVersionUID = 1L;

    JoinException(String message) {
      super(message);
    }

    JoinException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Adds {@code self} to the map of the cluster reached through {@code seeds} (native client
   * addresses) and returns the map that holds it.
   *
   * @throws JoinException if no seed answers, the cluster has no map yet, or the id is taken
   */
  public static ClusterMap join(List<InetSocketAddress> seeds, NodeInfo self, Duration timeout)
      throws JoinException, InterruptedException {
    int attempts = seeds.size() + 1;
    // each request may try every seed in turn
    long wait = timeout.toMillis() * (attempts + 1);
    QuorumClient.Builder b = QuorumClient.builder().timeout(timeout).attempts(attempts);
    for (int i = 0; i < seeds.size(); i++) {
      b.node(i, seeds.get(i));
    }
    try (QuorumClient client = b.build()) {
      String last = "no attempt";
      int unanswered = 0;
      for (int attempt = 0; attempt < ATTEMPTS && unanswered < UNREACHABLE_ATTEMPTS; attempt++) {
        Outcome.ReadOk read;
        try {
          read = client.get(ClusterManager.mapKey()).get(wait, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          last = "no seed of " + seeds + " answered: " + rootMessage(e);
          unanswered++;
          Thread.sleep(100L << unanswered);
          continue;
        }
        unanswered = 0;
        if (read.value() == null) {
          throw new JoinException(
              "the cluster at "
                  + seeds
                  + " has no cluster map yet: start its founding nodes (configured with peers)"
                  + " first");
        }
        ClusterMap map;
        try {
          map = ClusterMapCodec.decode(read.value().toByteArray());
        } catch (ClusterMapCodec.CorruptClusterMapException e) {
          throw new JoinException("the cluster's stored map is unreadable: " + e.getMessage(), e);
        }
        NodeInfo listed = map.node(self.id());
        if (listed != null) {
          if (listed.address().equals(self.address())
              && listed.zone().equals(self.zone())
              && listed.state() == NodeState.ACTIVE) {
            LOG.info("node {}: already in the cluster map (version {})", self.id(), map.version());
            return map;
          }
          throw new JoinException(
              "node id "
                  + self.id()
                  + " is already in the cluster as "
                  + listed
                  + "; this node would be "
                  + self.address()
                  + " in zone "
                  + self.zone()
                  + ": give it an id no other node has");
        }
        ClusterMap next = map.addNode(self);
        CasResult r;
        try {
          r =
              client
                  .updateIfVersion(
                      ClusterManager.mapKey(),
                      read.version(),
                      Bytes.wrap(ClusterMapCodec.encode(next)))
                  .get(wait, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          last = "adding the node to the map failed: " + rootMessage(e);
          continue;
        }
        if (r instanceof CasResult.Applied) {
          LOG.info(
              "node {}: joined the cluster (map version {}, {} nodes)",
              self.id(),
              next.version(),
              next.nodes().size());
          return next;
        }
        // NotApplied: the map changed meanwhile; Unknown: read it again to see whether it applied
        last = "the map kept changing (" + r + ")";
      }
      throw new JoinException("could not join the cluster at " + seeds + ": " + last);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
