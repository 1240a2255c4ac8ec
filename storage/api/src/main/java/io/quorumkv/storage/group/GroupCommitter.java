package io.quorumkv.storage.group;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.StorageFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues write requests and hands them to a {@link Sink} in groups from a single commit thread.
 *
 * <p>The commit thread takes every request that is waiting (up to {@code maxGroupSize}), asks the
 * sink to write them all and to sync once if any of them asked for {@link Durability#SYNC}, then
 * completes their futures in submission order. While the sink is busy, new requests pile up and
 * form the next group, so the batching factor grows with load without any timer.
 *
 * <p>Any exception from the sink is fatal: the failed group and every later request complete
 * exceptionally with {@link StorageFailedException}. This is deliberate for fsync errors, after
 * which the kernel may have discarded dirty pages, so a retry could report success for lost data.
 *
 * @param <T> the request type the sink understands
 */
public final class GroupCommitter<T> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

  /** Writes a group of requests. Called from the commit thread only. */
  @FunctionalInterface
  public interface Sink<T> {
    /**
     * Writes every request of {@code group}, in order, and syncs them if {@code sync}. When this
     * returns they must be visible to readers.
     *
     * @throws Exception on any failure; the committer then fails permanently
     */
    void commit(List<T> group, boolean sync) throws Exception;
  }

  private record Pending<T>(T request, boolean sync, CompletableFuture<Void> done) {}

  private static final Pending<Object> POISON = new Pending<>(null, false, null);

  private final String name;
  private final Sink<T> sink;
  private final int maxGroupSize;
  private final LinkedBlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final ReentrantLock submitLock = new ReentrantLock();
  private final AtomicLong groups = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private volatile StorageException failure;
  private volatile boolean closed;

  /**
   * Starts the commit thread.
   *
   * @param name names the thread, for thread dumps
   * @param sink writes the groups
   * @param maxGroupSize the most requests one group may hold
   */
  public GroupCommitter(String name, Sink<T> sink, int maxGroupSize) {
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize must be positive");
    }
    this.name = name;
    this.sink = sink;
    this.maxGroupSize = maxGroupSize;
    this.thread = new Thread(this::run, "group-commit-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues {@code request}. The future completes once the request's group is written (and synced,
   * if asked), or exceptionally if the committer is closed or has failed.
   */
  public CompletableFuture<Void> submit(T request, Durability durability) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submitLock.lock();
    try {
      StorageException f = failure;
      if (f != null) {
        done.completeExceptionally(f);
      } else if (closed) {
        done.completeExceptionally(new StorageClosedException(name + " is closed"));
      } else {
        queue.add(new Pending<>(request, durability == Durability.SYNC, done));
      }
    } finally {
      submitLock.unlock();
    }
    return done;
  }

  /** The first failure, or {@code null} while the committer is healthy. */
  public StorageException failure() {
    return failure;
  }

  /** Groups written so far. */
  public long groups() {
    return groups.get();
  }

  /** Requests written so far; {@code requests() / groups()} is the batching factor. */
  public long requests() {
    return requests.get();
  }

  /** Syncs issued so far. */
  public long syncs() {
    return syncs.get();
  }

  /**
   * Writes what is queued, then stops the commit thread. Requests submitted afterwards fail with
   * {@link StorageClosedException}. Idempotent.
   */
  @Override
  @SuppressWarnings("unchecked")
  public void close() {
    submitLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.add((Pending<T>) (Pending<?>) POISON);
    } finally {
      submitLock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Pending<T>> group = new ArrayList<>();
    List<T> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      group.clear();
      batch.clear();
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        // Nobody interrupts this private thread except a JVM shutdown; keep draining.
        continue;
      }
      queue.drainTo(group, maxGroupSize - 1);
      int poison = indexOfPoison(group);
      if (poison >= 0) {
        group.subList(poison, group.size()).clear();
        stop = true;
      }
      if (group.isEmpty()) {
        continue;
      }
      boolean sync = false;
      for (Pending<T> p : group) {
        batch.add(p.request);
        sync |= p.sync;
      }
      StorageException f = failure;
      if (f == null) {
        try {
          sink.commit(batch, sync);
          groups.incrementAndGet();
          requests.addAndGet(group.size());
          if (sync) {
            syncs.incrementAndGet();
          }
        } catch (Exception | Error e) {
          LOG.error("{}: commit failed, the engine refuses further writes", name, e);
          f = new StorageFailedException(name + ": commit failed: " + e, e);
          failure = f;
        }
      }
      for (Pending<T> p : group) {
        if (f == null) {
          p.done.complete(null);
        } else {
          p.done.completeExceptionally(f);
        }
      }
    }
  }

  private static int indexOfPoison(List<? extends Pending<?>> group) {
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i) == POISON) {
        return i;
      }
    }
    return -1;
  }
}
