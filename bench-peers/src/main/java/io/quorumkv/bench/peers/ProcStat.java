package io.quorumkv.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU time of processes from {@code /proc/PID/stat}. A system's CPU is that of its root processes
 * and all their live descendants (PostgreSQL's backends are children of the postmaster), each
 * counted with its reaped children's time ({@code cutime + cstime}): a backend that exits inside a
 * measured window moves its time into its parent's child counters instead of vanishing.
 */
final class ProcStat {
  /** USER_HZ, the unit of the time fields; 100 on every Linux architecture we run on. */
  static final double CLK_TCK = 100;

  private ProcStat() {}

  /** The fields of one {@code /proc/PID/stat} line this benchmark uses (times in clock ticks). */
  record Stat(long pid, long ppid, long utime, long stime, long cutime, long cstime) {
    /** Own plus reaped children's CPU, in seconds. */
    double cpuSeconds() {
      return (utime + stime + cutime + cstime) / CLK_TCK;
    }

    /** Own CPU only, in seconds. */
    double ownCpuSeconds() {
      return (utime + stime) / CLK_TCK;
    }
  }

  /**
   * Parses one {@code /proc/PID/stat} line. The command name (field 2) is in parentheses and may
   * itself contain spaces and parentheses, so fields are counted from the last {@code ')'}.
   */
  static Stat parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + line);
    }
    long pid = Long.parseLong(line.substring(0, open).trim());
    // After ") ": state (field 3) is f[0], ppid (4) f[1], utime (14) f[11], stime f[12],
    // cutime f[13], cstime f[14].
    String[] f = line.substring(close + 2).trim().split(" ");
    return new Stat(
        pid,
        Long.parseLong(f[1]),
        Long.parseLong(f[11]),
        Long.parseLong(f[12]),
        Long.parseLong(f[13]),
        Long.parseLong(f[14]));
  }

  /** The stat of {@code pid}, empty if the process is gone. */
  static Optional<Stat> read(long pid) {
    try {
      return Optional.of(parse(Files.readString(Path.of("/proc/" + pid + "/stat"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A process exiting between the directory listing and the read gives ESRCH as an IOException.
      return Optional.empty();
    }
  }

  /** Every process's stat. */
  static List<Stat> all() {
    List<Stat> all = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : d) {
        read(Long.parseLong(p.getFileName().toString())).ifPresent(all::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /**
   * CPU seconds used so far by {@code roots} and all their live descendants, each with its reaped
   * children's time.
   */
  static double treeCpuSeconds(Collection<Long> roots) {
    return treeCpuSeconds(roots, all());
  }

  /** {@link #treeCpuSeconds(Collection)} over a given process table (for tests). */
  static double treeCpuSeconds(Collection<Long> roots, List<Stat> table) {
    Map<Long, List<Stat>> children = new HashMap<>();
    Map<Long, Stat> byPid = new HashMap<>();
    for (Stat s : table) {
      byPid.put(s.pid(), s);
      children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
    }
    double total = 0;
    Set<Long> seen = new HashSet<>();
    Deque<Long> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      Stat s = byPid.get(pid);
      if (s == null || !seen.add(pid)) {
        continue;
      }
      total += s.cpuSeconds();
      for (Stat c : children.getOrDefault(pid, List.of())) {
        todo.push(c.pid());
      }
    }
    return total;
  }

  /** This JVM's own CPU seconds (all its threads). */
  static double selfCpuSeconds() {
    return read(ProcessHandle.current().pid()).map(Stat::ownCpuSeconds).orElse(Double.NaN);
  }
}
