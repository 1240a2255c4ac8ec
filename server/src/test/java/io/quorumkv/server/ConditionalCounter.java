package io.quorumkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client thread that increments {@code v} of row {@code id = -1} of table {@code t} until
 * stopped: it reads the value, then {@code UPDATE t SET v = ? WHERE id = -1 IF v = ?}, and counts
 * the increments acknowledged as applied. After {@link #stop}, the row's value must equal that
 * count: no acknowledged increment lost, none applied twice.
 */
final class ConditionalCounter {
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  /** A counter whose thread connects with {@code connect}; not started. */
  ConditionalCounter(Callable<Connection> connect) {
    thread =
        new Thread(
            () -> {
              try (Connection c = connect.call();
                  PreparedStatement read = c.prepareStatement("SELECT v FROM t WHERE id = -1");
                  PreparedStatement inc =
                      c.prepareStatement("UPDATE t SET v = ? WHERE id = -1 IF v = ?")) {
                while (!stop.get()) {
                  int v;
                  try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    v = rs.getInt(1);
                  }
                  inc.setInt(1, v + 1);
                  inc.setInt(2, v);
                  try (ResultSet rs = inc.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                      acknowledged.incrementAndGet();
                    }
                  }
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "counter");
  }

  void start() {
    thread.start();
  }

  /** Asks the thread to stop and waits for it. */
  void stop() throws InterruptedException {
    stop.set(true);
    thread.join();
  }

  /**
   * After {@link #stop}: checks that the client never failed, and the increments it saw applied.
   */
  int acknowledged() {
    assertThat(failure.get()).as("the counter's client").isNull();
    return acknowledged.get();
  }
}
