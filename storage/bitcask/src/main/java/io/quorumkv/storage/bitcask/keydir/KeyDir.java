package io.quorumkv.storage.bitcask.keydir;

import io.quorumkv.storage.KeyRange;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

/**
 * The in-memory key directory: every live key mapped to the location of its newest record, sorted
 * by unsigned byte order so scans need no sorting.
 *
 * <p>Point lookups take no lock. Mutations that must appear together (one commit group, one merge's
 * relocations) run inside {@link #exclusive}, under the write lock; {@link #snapshot} copies a
 * range under the read lock. That is what makes a batch atomic to scans. Keys are owned by the
 * directory: callers must not mutate a key after handing it over.
 */
public final class KeyDir {

  private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private final ConcurrentSkipListMap<byte[], KeyDirEntry> map;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** An empty key directory. */
  public KeyDir() {
    this.map = new ConcurrentSkipListMap<>(ORDER);
  }

  private KeyDir(ConcurrentSkipListMap<byte[], KeyDirEntry> map) {
    this.map = map;
  }

  /**
   * A key directory holding {@code keys.get(i) -> entries.get(i)}, built in linear time (no
   * comparisons, sequential memory access) instead of one skip-list insert per key.
   *
   * @param keys distinct keys in ascending unsigned order
   */
  public static KeyDir fromSorted(List<byte[]> keys, List<KeyDirEntry> entries) {
    if (keys.size() != entries.size()) {
      throw new IllegalArgumentException("keys and entries differ in number");
    }
    for (int i = 1; i < keys.size(); i++) {
      if (ORDER.compare(keys.get(i - 1), keys.get(i)) >= 0) {
        throw new IllegalArgumentException("keys are not sorted and distinct at " + i);
      }
    }
    return new KeyDir(new ConcurrentSkipListMap<>(new SortedView(keys, entries)));
  }

  /**
   * Just enough of a {@link SortedMap} over two parallel sorted lists for {@link
   * ConcurrentSkipListMap}'s copy constructor, which reads {@link #comparator()} and iterates
   * {@link #entrySet()} once, linking nodes in order.
   */
  private static final class SortedView extends AbstractMap<byte[], KeyDirEntry>
      implements SortedMap<byte[], KeyDirEntry> {
    private final List<byte[]> keys;
    private final List<KeyDirEntry> entries;

    SortedView(List<byte[]> keys, List<KeyDirEntry> entries) {
      this.keys = keys;
      this.entries = entries;
    }

    @Override
    public Comparator<? super byte[]> comparator() {
      return ORDER;
    }

    @Override
    public Set<Map.Entry<byte[], KeyDirEntry>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<byte[], KeyDirEntry>> iterator() {
          return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
              return i < keys.size();
            }

            @Override
            public Map.Entry<byte[], KeyDirEntry> next() {
              if (i >= keys.size()) {
                throw new NoSuchElementException();
              }
              Map.Entry<byte[], KeyDirEntry> e =
                  new AbstractMap.SimpleImmutableEntry<>(keys.get(i), entries.get(i));
              i++;
              return e;
            }
          };
        }

        @Override
        public int size() {
          return keys.size();
        }
      };
    }

    @Override
    public SortedMap<byte[], KeyDirEntry> subMap(byte[] fromKey, byte[] toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<byte[], KeyDirEntry> headMap(byte[] toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<byte[], KeyDirEntry> tailMap(byte[] fromKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] firstKey() {
      if (keys.isEmpty()) {
        throw new NoSuchElementException();
      }
      return keys.get(0);
    }

    @Override
    public byte[] lastKey() {
      if (keys.isEmpty()) {
        throw new NoSuchElementException();
      }
      return keys.get(keys.size() - 1);
    }
  }

  /** One key and its entry, as a snapshot holds them. */
  public record Slot(byte[] key, KeyDirEntry entry) {}

  /** The entry of {@code key}, or {@code null}. Lock-free. */
  public KeyDirEntry get(byte[] key) {
    return map.get(key);
  }

  /** The number of live keys. */
  public int size() {
    return map.size();
  }

  /** Runs {@code mutation} under the write lock; scans see all of it or none of it. */
  public void exclusive(Runnable mutation) {
    lock.writeLock().lock();
    try {
      mutation.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Maps {@code key} to {@code entry}; returns the previous entry. Call inside {@link #exclusive}.
   */
  public KeyDirEntry put(byte[] key, KeyDirEntry entry) {
    return map.put(key, entry);
  }

  /**
   * Maps {@code key} to {@code entry} unless it has an entry already, which is returned (one
   * traversal either way). Call inside {@link #exclusive}, or before the directory is shared.
   */
  public KeyDirEntry putIfAbsent(byte[] key, KeyDirEntry entry) {
    return map.putIfAbsent(key, entry);
  }

  /** Removes {@code key}; returns the previous entry. Call inside {@link #exclusive}. */
  public KeyDirEntry remove(byte[] key) {
    return map.remove(key);
  }

  /**
   * Replaces the entry of {@code key} with {@code update} only if it is still {@code expected} (by
   * identity). Call inside {@link #exclusive}.
   */
  public boolean compareAndSet(byte[] key, KeyDirEntry expected, KeyDirEntry update) {
    return map.replace(key, expected, update);
  }

  /**
   * Copies the keys and entries within {@code range}, in order, as of one instant; {@code onSlot}
   * runs for each under the read lock (so it may pin what the entry points at).
   */
  public List<Slot> snapshot(KeyRange range, BiConsumer<byte[], KeyDirEntry> onSlot) {
    List<Slot> out = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (Map.Entry<byte[], KeyDirEntry> e : view(range).entrySet()) {
        onSlot.accept(e.getKey(), e.getValue());
        out.add(new Slot(e.getKey(), e.getValue()));
      }
    } finally {
      lock.readLock().unlock();
    }
    return out;
  }

  /** Visits every entry, without locking; for recovery and statistics. */
  public void forEach(BiConsumer<byte[], KeyDirEntry> visitor) {
    map.forEach(visitor);
  }

  private NavigableMap<byte[], KeyDirEntry> view(KeyRange range) {
    if (range.start() == null && range.end() == null) {
      return map;
    } else if (range.start() == null) {
      return map.headMap(range.end(), false);
    } else if (range.end() == null) {
      return map.tailMap(range.start(), true);
    }
    return map.subMap(range.start(), true, range.end(), false);
  }
}
