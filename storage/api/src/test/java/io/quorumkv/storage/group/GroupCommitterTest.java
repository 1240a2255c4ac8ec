package io.quorumkv.storage.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkv.storage.Durability;
import io.quorumkv.storage.StorageClosedException;
import io.quorumkv.storage.StorageFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

  @Test
  void writesEveryRequestOnceInSubmissionOrder() {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    try (GroupCommitter<Integer> c = new GroupCommitter<>("t", (g, s) -> written.addAll(g), 8)) {
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        fs.add(c.submit(i, Durability.BUFFERED));
      }
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
      assertThat(written).hasSize(1_000).isSorted();
      assertThat(c.requests()).isEqualTo(1_000);
    }
  }

  @Test
  void requestsWaitingWhileTheSinkIsBusyShareOneGroupAndOneSync() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> syncs = Collections.synchronizedList(new ArrayList<>());
    GroupCommitter.Sink<Integer> sink =
        (g, sync) -> {
          groups.add(List.copyOf(g));
          syncs.add(sync);
          inSink.countDown();
          release.await();
        };
    try (GroupCommitter<Integer> c = new GroupCommitter<>("t", sink, 100)) {
      CompletableFuture<Void> first = c.submit(0, Durability.BUFFERED);
      assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Void>> rest = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        rest.add(c.submit(i, i == 5 ? Durability.SYNC : Durability.BUFFERED));
      }
      assertThat(first).isNotDone();
      release.countDown();
      CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).join();
      assertThat(groups).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
      assertThat(syncs).containsExactly(false, true);
      assertThat(c.groups()).isEqualTo(2);
      assertThat(c.syncs()).isEqualTo(1);
    }
  }

  @Test
  void groupsAreCappedAtMaxGroupSize() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    GroupCommitter.Sink<Integer> sink =
        (g, sync) -> {
          sizes.add(g.size());
          inSink.countDown();
          release.await();
        };
    try (GroupCommitter<Integer> c = new GroupCommitter<>("t", sink, 4)) {
      c.submit(0, Durability.SYNC);
      inSink.await(10, TimeUnit.SECONDS);
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        fs.add(c.submit(i, Durability.SYNC));
      }
      release.countDown();
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
      assertThat(sizes).containsExactly(1, 4, 4, 2);
    }
  }

  @Test
  void aSinkFailureIsFatalForTheGroupAndEverythingAfter() {
    GroupCommitter.Sink<Integer> sink =
        (g, sync) -> {
          if (g.contains(3)) {
            throw new IOException("fsync: EIO");
          }
        };
    try (GroupCommitter<Integer> c = new GroupCommitter<>("t", sink, 1)) {
      for (int i = 0; i < 3; i++) {
        c.submit(i, Durability.SYNC).join();
      }
      CompletableFuture<Void> failed = c.submit(3, Durability.SYNC);
      assertThatThrownBy(failed::join)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StorageFailedException.class)
          .hasRootCauseMessage("fsync: EIO");
      assertThat(c.failure()).isNotNull();
      assertThatThrownBy(() -> c.submit(4, Durability.BUFFERED).join())
          .hasCauseInstanceOf(StorageFailedException.class);
    }
  }

  @Test
  void closeWritesWhatIsQueuedThenRefuses() {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    GroupCommitter<Integer> c = new GroupCommitter<>("t", (g, s) -> written.addAll(g), 2);
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fs.add(c.submit(i, Durability.SYNC));
    }
    c.close();
    c.close();
    assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(written).hasSize(50);
    assertThatThrownBy(() -> c.submit(99, Durability.SYNC).join())
        .hasCauseInstanceOf(StorageClosedException.class);
  }

  @Test
  void rejectsANonPositiveGroupSize() {
    assertThatThrownBy(() -> new GroupCommitter<Integer>("t", (g, s) -> {}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
