package io.quorumkv.bench.peers.load;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd through jetcd: one jetcd client per target (it multiplexes every request over one gRPC
 * connection per endpoint, as applications use it), shared by the benchmark clients, each blocking
 * on its own request. Reads are {@link GetOption#DEFAULT}: linearizable (not serializable), so they
 * go through the leader's read index, the counterpart of the other systems' linearizable reads. The
 * compare-and-set is a transaction {@code If(value == expected) Then(put)}.
 */
final class EtcdTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdTarget.class);

  /** etcd's default {@code --max-txn-ops}: the most puts one loading transaction may carry. */
  private static final int TXN_OPS = 128;

  /** A bound on waiting for one request, so no client hangs forever. */
  private static final long WAIT_SECONDS = 60;

  /** Every benchmark key starts with this ({@link Keys#key(long)}). */
  private static final ByteSequence PREFIX = bytes("user");

  private final io.etcd.jetcd.Client client;
  private final KV kv;

  EtcdTarget(String endpoints) throws Exception {
    this.client = io.etcd.jetcd.Client.builder().endpoints(endpoints.split(",")).build();
    this.kv = client.getKVClient();
    try {
      await(kv.get(PREFIX)); // fail here, not in the first client, if unreachable
    } catch (Exception e) {
      client.close();
      throw e;
    }
    if (GetOption.DEFAULT.isSerializable()) {
      throw new IllegalStateException(
          "jetcd's default get is serializable: reads must be linearizable");
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return "etcd";
  }

  /**
   * Deletes every benchmark key, then puts them in transactions of {@value #TXN_OPS} puts with up
   * to {@code clients} transactions in flight; finally compacts the history and defragments, so
   * that the runs start from the loaded state alone (etcd keeps every revision until compacted, and
   * a long sweep of writes would otherwise fill its default 2 GiB quota).
   */
  @Override
  public void load(long keys, int valueBytes, int clients) throws Exception {
    await(kv.delete(PREFIX, DeleteOption.builder().isPrefix(true).build()));
    Semaphore window = new Semaphore(Math.max(1, clients));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(0x5EEDL);
    for (long from = 0; from < keys && failure.get() == null; from += TXN_OPS) {
      List<Op> puts = new ArrayList<>();
      for (long i = from; i < Math.min(keys, from + TXN_OPS); i++) {
        puts.add(
            Op.put(
                bytes(Keys.key(i)),
                ByteSequence.from(LoadGenerator.value(random, valueBytes)),
                PutOption.DEFAULT));
      }
      window.acquire();
      kv.txn()
          .Then(puts.toArray(Op[]::new))
          .commit()
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
                window.release();
              });
    }
    window.acquire(Math.max(1, clients));
    if (failure.get() != null) {
      throw new IllegalStateException("loading failed: " + failure.get(), failure.get());
    }
    GetResponse last = await(kv.get(PREFIX));
    long revision = last.getHeader().getRevision();
    await(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()));
    for (java.net.URI endpoint :
        await(client.getClusterClient().listMember()).getMembers().stream()
            .flatMap(m -> m.getClientURIs().stream())
            .toList()) {
      try {
        await(client.getMaintenanceClient().defragmentMember(endpoint.toString()));
      } catch (Exception e) {
        // housekeeping only: the runs are valid without it, on a larger file
        LOG.warn("etcd: defragmenting {} failed: {}", endpoint, e.toString());
      }
    }
    LOG.info("etcd: loaded {} keys, compacted at revision {}", keys, revision);
  }

  @Override
  public Client newClient() {
    return new Client() {
      @Override
      public byte[] get(String key) throws Exception {
        GetResponse r = await(kv.get(bytes(key)));
        return r.getKvs().isEmpty() ? null : r.getKvs().get(0).getValue().getBytes();
      }

      @Override
      public void put(String key, byte[] value) throws Exception {
        await(kv.put(bytes(key), ByteSequence.from(value)));
      }

      @Override
      public boolean compareAndSet(String key, byte[] expected, byte[] next) throws Exception {
        ByteSequence k = bytes(key);
        Txn txn =
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected))))
                .Then(Op.put(k, ByteSequence.from(next), PutOption.DEFAULT));
        return await(txn.commit()).isSucceeded();
      }

      @Override
      public void close() {}
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
    client.close();
  }
}
