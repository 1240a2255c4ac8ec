package io.quorumkv.tests.crash;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quorumkv.storage.StorageEngine;
import io.quorumkv.storage.StorageEngineProvider;
import io.quorumkv.storage.StorageException;
import io.quorumkv.storage.Table;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link StorageCrashIT}: opens an engine of the given kind and lets several
 * threads write {@link CrashWorkload} operations until the process is killed.
 *
 * <p>Protocol on stdout, one line per event, each written and flushed as one {@code write} to the
 * pipe (so a kill never tears a line): {@code ready} once the engine is open; {@code ack <thread>
 * <op>} after operation {@code op} of {@code thread} was acknowledged, i.e. its future completed;
 * {@code fail <thread> <message>} if a write failed, which the test treats as a bug. Each thread
 * starts an operation only after printing the previous one's ack, so at most one operation per
 * thread is in flight when the kill lands.
 *
 * <p>Usage: {@code CrashWriter <kind> <directory> <seed> <round> <threads>}.
 */
public final class CrashWriter {

  private static final Logger LOG = LoggerFactory.getLogger(CrashWriter.class);

  private CrashWriter() {}

  /** Runs until killed. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 5) {
      LOG.error("usage: CrashWriter <kind> <directory> <seed> <round> <threads>");
      System.exit(64);
    }
    String kind = args[0];
    Path dir = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    int round = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12),
            false,
            UTF_8);

    StorageEngine engine = StorageEngineProvider.open(kind, dir, Map.of());
    Table table = engine.table(CrashWorkload.TABLE);
    line(out, "ready");
    Thread[] writers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      writers[t] = new Thread(() -> write(table, seed, round, id, out), "crash-writer-" + t);
      writers[t].start();
    }
    for (Thread w : writers) {
      w.join();
    }
    // Only reached if every writer failed; the test reads the "fail" lines.
    engine.close();
  }

  private static void write(Table table, long seed, int round, int thread, PrintStream out) {
    CrashWorkload ops = new CrashWorkload(seed, round, thread);
    for (int i = 0; ; i++) {
      CrashWorkload.Op op = ops.next();
      try {
        table.writeAsync(op.batch(), op.durability()).join();
      } catch (CompletionException | StorageException e) {
        LOG.error("writer {} op {} failed", thread, i, e);
        line(out, "fail " + thread + " " + i + " " + e);
        return;
      }
      line(out, "ack " + thread + " " + i);
    }
  }

  private static void line(PrintStream out, String line) {
    synchronized (out) {
      out.print(line + "\n");
      out.flush();
    }
  }
}
