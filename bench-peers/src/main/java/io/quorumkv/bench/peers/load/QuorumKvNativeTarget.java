package io.quorumkv.bench.peers.load;

import io.quorumkv.replication.client.QuorumClient;
import io.quorumkv.replication.paxos.Bytes;
import io.quorumkv.replication.paxos.CasResult;
import io.quorumkv.replication.paxos.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * QuorumKV through its native asynchronous {@link QuorumClient}, used as the client's Javadoc says
 * an application should: one shared QuorumClient (one connection per node, requests of all
 * benchmark clients pipelined and merged on it), each benchmark client blocking on its one request
 * in flight. The client sends writes of one key one at a time, so the {@code cas-hot} workload's
 * concurrent writes of a key are queued in the client rather than racing in the cluster. The key
 * space is raw keys ({@link Keys#key(long)} in UTF-8) holding raw values, not SQL rows.
 */
final class QuorumKvNativeTarget implements Target {

  /** The client's per-attempt deadline; the library's default 2 s is short on a loaded machine. */
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  /** A bound on waiting for one request (all its attempts), so no client hangs forever. */
  private static final long WAIT_SECONDS = 60;

  private final Map<Integer, InetSocketAddress> nodes = new LinkedHashMap<>();
  private final QuorumClient shared;

  QuorumKvNativeTarget(String connect) {
    int id = 0;
    for (String node : connect.split(",")) {
      String n = node.trim();
      int eq = n.indexOf('=');
      int nodeId = eq < 0 ? ++id : Integer.parseInt(n.substring(0, eq).trim());
      String address = n.substring(eq + 1).trim();
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected host:port or id=host:port, got '" + n + "'");
      }
      nodes.put(
          nodeId,
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
    }
    this.shared = newQuorumClient();
  }

  private QuorumClient newQuorumClient() {
    QuorumClient.Builder b = QuorumClient.builder().timeout(ATTEMPT_TIMEOUT);
    nodes.forEach(b::node);
    return b.build();
  }

  @Override
  public String name() {
    return "quorumkv-native";
  }

  /**
   * Puts every key with up to {@code clients} writes in flight over one client (the asynchronous
   * client needs no threads for that; every key is written once, so the exactly-once window is no
   * concern here).
   */
  @Override
  public void load(long keys, int valueBytes, int clients) throws Exception {
    Semaphore window = new Semaphore(Math.max(1, clients));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    SplittableRandom random = new SplittableRandom(0x5EEDL);
    for (long i = 0; i < keys && failure.get() == null; i++) {
      window.acquire();
      String key = Keys.key(i);
      shared
          .put(Bytes.utf8(key), Bytes.wrap(LoadGenerator.value(random, valueBytes)))
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                } else if (!(r instanceof CasResult.Applied)) {
                  failure.compareAndSet(null, new IllegalStateException("put " + key + ": " + r));
                }
                window.release();
              });
    }
    window.acquire(Math.max(1, clients)); // every write answered
    if (failure.get() != null) {
      throw new IllegalStateException("loading failed: " + failure.get(), failure.get());
    }
  }

  @Override
  public Client newClient() {
    QuorumClient client = shared;
    return new Client() {
      @Override
      public byte[] get(String key) throws Exception {
        Outcome.ReadOk ok = await(client.get(Bytes.utf8(key)));
        return ok.value() == null ? null : ok.value().toByteArray();
      }

      @Override
      public void put(String key, byte[] value) throws Exception {
        CasResult r = await(client.put(Bytes.utf8(key), Bytes.wrap(value)));
        if (!(r instanceof CasResult.Applied)) {
          throw new IllegalStateException("put " + key + ": " + r);
        }
      }

      @Override
      public boolean compareAndSet(String key, byte[] expected, byte[] next) throws Exception {
        CasResult r = await(client.cas(Bytes.utf8(key), Bytes.wrap(expected), Bytes.wrap(next)));
        if (r instanceof CasResult.Applied) {
          return true;
        }
        if (r instanceof CasResult.NotApplied) {
          return false;
        }
        throw new IllegalStateException(
            "cas " + key + ": " + r); // Unknown: an error, not a conflict
      }

      @Override
      public void close() {
        // the shared client is closed with the target
      }
    };
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  @Override
  public void close() {
    shared.close();
  }
}
